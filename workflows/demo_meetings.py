"""What the secretary, chair and members of a body do in a meeting of the demo year, and when.

A meeting is planned six weeks after its preparation starts; the members bring in no items of
their own, the agenda has one item (the regiegroep's of the second quarter also one of its
yearly topics, MTG-9: the other stays to do), the papers go out two weeks ahead (or never, for a
secretary who is behind: a late task), the meeting opens on its date with everyone present,
who vote for the proposal; the minutes follow two days later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .bodies import may_decide
from .demo_cast import members

PREPARATION = timedelta(weeks=6)
PAPERS_AHEAD = timedelta(weeks=2)
MINUTES_AFTER = timedelta(days=2)
ITEMS = {
    "stamtafel": ("Regionale aanpak nazorg na detentie",
                  "Advies aan de VvG Veilig Thuis over één regionale aanpak."),
    "regiekamer": ("Werkproces complexe casuïstiek", "Het werkproces vaststellen."),
    "stuurgroep": ("Jaarplan ZVH", "Het jaarplan vaststellen."),
    "regiegroep_gedwongen_zorg": ("Prioriteiten Wvggz en Wzd",
                                  "De prioriteiten van dit jaar vaststellen."),
}


@dataclass
class MeetingPlan:
    """When a meeting takes place and whether its secretary lets the papers run late."""

    day: date
    papers_late: bool = False
    reason: str = "regulier"


# MTG-9: once a year the regiegroep discusses the Wzd/Wfz with the physicians.
YEARLY_TOPIC = {"titel": "Wzd en Wfz met arts VG en arts PG",
                "voorstel": "Knelpunten in de uitvoering met de artsen bespreken.",
                "bron": "secretaris", "ingebracht_door": "secretaris"}


def agenda_item(body: str) -> dict[str, Any]:
    title, proposal = ITEMS.get(body, ("Jaarplanning", "De jaarplanning vaststellen."))
    return {"titel": title, "voorstel": proposal, "bron": "secretaris",
            "ingebracht_door": "secretaris"}


def meeting_step(name: str, body: str, plan: MeetingPlan, today: date) -> dict[str, Any] | None:
    """The form data of task ``name`` if it is done ``today``; None while it waits."""
    if name == "Vergadering plannen":
        return {"vergaderdatum": plan.day.isoformat(), "locatie": "Zutphen",
                "aanleiding": plan.reason, "leden": members(body)}
    preparing = {
        "Agendapunten aandragen": {"voorgestelde_punten": []},
        "Inbreng andere organen vastleggen": {"punten_andere_organen": []},
        "Agenda opstellen": {"agenda": [agenda_item(body)] + (
            [YEARLY_TOPIC] if body == "regiegroep_gedwongen_zorg" and plan.day.month in (4, 5, 6)
            else [])},
    }
    if name in preparing:
        return preparing[name]
    if name == "Agenda en stukken versturen":
        if plan.papers_late or today < plan.day - PAPERS_AHEAD:
            return None
        return {"agenda_verzonden_op": today.isoformat(), "stukken": "Voorstel en toelichting."}
    if today < plan.day:
        return None
    return _at_the_meeting(name, body, today) if today < plan.day + MINUTES_AFTER \
        else _afterwards(name, body, today)


def _at_the_meeting(name: str, body: str, today: date) -> dict[str, Any] | None:
    return {
        "Aanwezigheid registreren": {"aanwezigen": members(body)},
        "Stemmen": {"stemkeuze": "voor"},
        "Advies adresseren": {"advies_aan": "vvg_veilig_thuis",
                              "advies": "Het voorstel overnemen."},
        "Voorleggen aan hoger orgaan": {"voorgelegd_op": today.isoformat(),
                                        "toelichting": "Geen meerderheid."},
    }.get(name)


def _afterwards(name: str, body: str, today: date) -> dict[str, Any] | None:
    decided = "Besluit genomen." if may_decide(body) else "Advies uitgebracht."
    return _at_the_meeting(name, body, today) or {
        "Verslag opstellen": {"verslag": f"Verslag van de vergadering. {decided}",
                              "actiepunten": []},
        "Verslag vaststellen": {"verslag_akkoord": True},
        "Verslag aan de leden sturen": {"verslag_verzonden_op": today.isoformat()},
        "Actiepunten opvolgen": {"stand_actiepunten": "geen actiepunten"},
        "Hoger orgaan schriftelijk informeren": {
            "rapportage_verzonden_op": today.isoformat(),
            "samenvatting": "De besluiten van deze vergadering."},
    }.get(name)
