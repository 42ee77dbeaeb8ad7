"""The bodies of the governance (Dutch names as users speak them) and their decision rules.

Data plus small pure functions: diagram scripts call the functions through HELPERS and never
carry copies of this data. Sources: domain.md ("Who is who"), covenant art. 4-7, vision 2a.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# Votes a member may cast (decision-stemmen-schema.json offers the same three).
FOR, AGAINST, ABSTAIN = "voor", "tegen", "onthouding"
# What a decision on an agenda item comes to (the "soort" of the outcome).
BINDING, ADVICE, ESCALATED, NO_DECISION = "besluit", "advies", "escalatie", "geen besluit"
# Written input that did not arrive before the deadline (DEC-2, DEC-3).
NO_INPUT = "geen inbreng"
# Agenda and papers go out at least this many days before the meeting.
AGENDA_LEAD_DAYS = 10


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    # MTG-1..MTG-4; None: the sources set no minimum.
    min_meetings_per_year: int | None
    # DEC-6: the Stamtafel (and the advisory tables) take no binding decisions.
    binding: bool
    # DEC-4, DEC-5: where a matter goes when this body reaches no decision.
    escalates_to: str | None = None
    escalation_note: str | None = None
    # DEC-5: a higher contribution or less service goes up even with a majority.
    escalates_financial: bool = False
    # MTG-7: the body that is informed in writing of the relevant decisions.
    reports_to: str | None = None
    # The role that chairs the body (held with the body as scope, or for the DVO on its own).
    chair_role: str = "Voorzitter"


BODIES: dict[str, Body] = {b.code: b for b in (
    Body("stamtafel", "Stamtafel zorg en veiligheid", 4, binding=False),
    Body("dvo", "Districtelijk Veiligheidsoverleg (DVO)", None, binding=True,
         chair_role="Voorzitter DVO"),
    Body("vvg_veilig_thuis", "Vergadering van Gemeenten Veilig Thuis", None, binding=True),
    Body("regiekamer", "Regiekamer ZVH", 4, binding=True, escalates_to="stuurgroep",
         reports_to="stuurgroep"),
    # Its secretary informs the Regiekamer of its decisions when the manager asks (art. 5.12).
    Body("stuurgroep", "Stuurgroep ZVH", 2, binding=True, escalates_to="dvo",
         escalation_note="en/of het Dagelijks Bestuur van het politiedistrict NOG (DB Politie)",
         escalates_financial=True, reports_to="regiekamer"),
    # Decides within its own mandate; what needs more goes to the Stamtafel through the
    # portefeuillehouder gedwongen zorg (vision, appendix 1).
    Body("regiegroep_gedwongen_zorg", "Regiegroep gedwongen zorg (Wvggz/Wzd)", 4, binding=True,
         escalates_to="stamtafel", reports_to="stamtafel"),
    Body("advies_implementatieoverleg", "Advies- en implementatieoverleg", None, binding=False,
         reports_to="stamtafel"),
    Body("secretarissenoverleg", "Secretarissenoverleg", None, binding=False),
)}


def body(code: str) -> Body:
    """The body with this code; an unknown code names the known ones."""
    try:
        return BODIES[code]
    except KeyError:
        raise ValueError(f"unknown body {code!r}; known: {', '.join(BODIES)}") from None


def body_name(code: str) -> str:
    return body(code).name


def may_decide(code: str) -> bool:
    """DEC-6: whether the body takes binding decisions (the Stamtafel does not)."""
    return body(code).binding


def escalation_target(code: str) -> str | None:
    """DEC-4, DEC-5: the body a matter goes to when ``code`` reaches no decision."""
    return body(code).escalates_to


def report_target(code: str) -> str | None:
    """MTG-7: the body that ``code``'s secretary informs in writing of relevant decisions."""
    return body(code).reports_to


def chair_role(code: str) -> str:
    """The role whose holders chair the body: they hear of a matter escalated to it."""
    return body(code).chair_role


def frequency_met(code: str, meetings_this_year: int) -> bool:
    """MTG-1..MTG-4: whether the body met at least as often as it must."""
    minimum = body(code).min_meetings_per_year
    return minimum is None or meetings_this_year >= minimum


def majority_outcome(votes: list[Any]) -> dict[str, Any]:
    """DEC-1: the majority of the votes cast decides; unanimity is noted as consensus.

    ``votes`` are "voor", "tegen" or "onthouding", or records {"lid": ..., "stem": ...}.
    An abstention is a vote cast, so a proposal needs more than half of all votes cast.
    A tie, or no side with more than half, is no decision.
    """
    cast = [v.get("stem") if isinstance(v, dict) else v for v in votes]
    cast = [v for v in cast if v is not None]
    unknown = sorted({str(v) for v in cast} - {FOR, AGAINST, ABSTAIN})
    if unknown:
        raise ValueError(f"unknown vote(s) {', '.join(unknown)}; expected voor, tegen, onthouding")
    counts = {FOR: cast.count(FOR), AGAINST: cast.count(AGAINST), ABSTAIN: cast.count(ABSTAIN)}
    if counts[FOR] * 2 > len(cast):
        result = "aangenomen"
    elif counts[AGAINST] * 2 > len(cast):
        result = "verworpen"
    else:
        result = NO_DECISION
    consensus = result != NO_DECISION and len(set(cast)) == 1
    return {"uitkomst": result, "consensus": consensus, **counts}


def must_hear(agendapunt: dict[str, Any], afwezigen: list[str],
              schriftelijke_inbreng: list[dict[str, Any]]) -> bool:
    """DEC-3: the item strongly affects an absent member's party that has not been heard.

    Heard means: the agenda item says so, or the member gave written input in time.
    """
    party = agendapunt.get("sterk_betrokken_lid")
    if not party or agendapunt.get("partij_gehoord") or party not in afwezigen:
        return False
    return not any(i.get("lid") == party and i.get("standpunt") != NO_INPUT
                   for i in schriftelijke_inbreng)


def written_input(lid: str, standpunt: str | None = None, toelichting: str = "") -> dict[str, Any]:
    """DEC-2: the record of an absent member's written input; no ``standpunt``: none arrived."""
    return {"lid": lid, "standpunt": standpunt or NO_INPUT, "toelichting": toelichting}


def decision_outcome(orgaan: str, agendapunt: dict[str, Any], stemmen: list[Any],
                     schriftelijke_inbreng: list[dict[str, Any]] | None = None,
                     horen: dict[str, Any] | None = None) -> dict[str, Any]:
    """The record of a decision on one agenda item (DEC-1, DEC-4, DEC-5, DEC-6).

    ``soort``: "besluit" (binding), "advies" (a body without decision power, DEC-6),
    "escalatie" (goes to ``escalatie_naar``) or "geen besluit" (no majority, nowhere to go).
    """
    outcome = _within_deadline(majority_outcome(stemmen), stemmen)
    target = escalation_target(orgaan)
    financial = bool(agendapunt.get("hogere_bijdrage")) and body(orgaan).escalates_financial
    if (outcome["uitkomst"] == NO_DECISION or financial) and target is not None:
        kind = ESCALATED
    elif outcome["uitkomst"] == NO_DECISION:
        kind = NO_DECISION
    else:
        kind = BINDING if may_decide(orgaan) else ADVICE
    return {
        "agendapunt": agendapunt.get("titel"), "orgaan": orgaan, "soort": kind,
        "bindend": kind == BINDING, **outcome,
        "escalatie_naar": target if kind == ESCALATED else None,
        "escalatie_toelichting": body(orgaan).escalation_note if kind == ESCALATED else None,
        "stemmen": list(stemmen), "schriftelijke_inbreng": list(schriftelijke_inbreng or []),
        "partij_gehoord": horen,
    }


def _within_deadline(outcome: dict[str, Any], stemmen: list[Any]) -> dict[str, Any]:
    """The voting deadline passed before every present member voted (a vote of None).

    The votes cast are kept; they decide only when the missing votes could not have changed
    the outcome (more than half of all present members voted the same way). Otherwise there
    is no decision within the term, and the matter goes up as any other no-decision
    (DEC-4, DEC-5). Silent members are not counted as agreeing, so there is no consensus.
    """
    missing = [v.get("lid") for v in stemmen if isinstance(v, dict) and v.get("stem") is None]
    late = {"termijn_verstreken": bool(missing), "niet_gestemd": missing}
    if not missing:
        return {**outcome, **late}
    decisive = max(outcome[FOR], outcome[AGAINST]) * 2 > len(stemmen)
    result = outcome["uitkomst"] if decisive else NO_DECISION
    return {**outcome, **late, "uitkomst": result, "consensus": False}


def decisions_report(orgaan: str, besluiten: list[dict[str, Any]]) -> dict[str, Any]:
    """MTG-7: what the secretary reports in writing, and to whom (None: nobody)."""
    target = report_target(orgaan)
    relevant = [b for b in besluiten if b.get("soort") in (BINDING, ESCALATED)]
    return {"aan": target, "aan_naam": body_name(target) if target else None,
            "besluiten": relevant}


def sent_in_time(verzonden_op: str, vergaderdatum: str,
                 lead_days: int = AGENDA_LEAD_DAYS) -> bool:
    """Agenda and papers went out at least ``lead_days`` days before the meeting (ISO dates)."""
    sent, meeting = date.fromisoformat(verzonden_op), date.fromisoformat(vergaderdatum)
    return (meeting - sent).days >= lead_days
