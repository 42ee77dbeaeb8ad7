"""The one-off events of the demo year, each started through the engine commands.

Each event has a day (counted from the first of January of the demo year; the extra meeting
counts back from the end) and happens at that moment of the moved clock:

- two organisations ask to join; one is admitted, the other (the Reclassering) already is a
  partner, so its registration fails and the instance stands failed with the reason;
- three decisions of the Regiekamer between its meetings (completed the next day);
- the Regiekamer's first meeting is called off, so that the Regiekamer falls short of its
  minimum (MTG-2) and its secretary gets the task to plan an extra meeting;
- the DVO starts appointing the portefeuillehouders after the municipal elections;
- a partner asks the Stuurgroep for an extra meeting whose papers its secretary has not sent:
  a task past its due date, with the reminder sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from engine.db import Database
from engine.instances import cancel_instance, start_instance
from engine.models import ProcessInstance

from .compliance import check_frequencies
from .demo_cast import ADMIN, MANAGER, holder, members
from .demo_meetings import MeetingPlan, agenda_item
from .demo_office import Office

ELECTION_YEARS = range(2022, 2100, 4)  # POR-2: regular municipal elections
APPLICANTS = (
    {"organisatie": "Stichting Herstelacademie Oost", "soort": "ervaringsperspectief",
     "motivatie": "Wij brengen het ervarings- en herstelperspectief aan tafel.",
     "contactpersoon": "Hanna de Wit, 06-12345678"},
    # Already a partner (workflows/organisations.py): the registration fails.
    {"organisatie": "Reclassering", "soort": "justitie",
     "motivatie": "Wij willen formeel aansluiten bij het convenant.",
     "contactpersoon": "Piet Bakker, 06-87654321"},
)
LATE_MEETING_BACK = timedelta(days=25)  # the extra meeting starts this long before the end
LATE_MEETING_AHEAD = timedelta(days=5)  # and takes place this long after it


@dataclass(frozen=True)
class Event:
    day: int
    name: str
    happen: Callable[[Database, Office, date], None]


def _apply(applicant: dict[str, str]) -> Callable[[Database, Office, date], None]:
    def happen(db: Database, office: Office, today: date) -> None:
        start_instance(db, "member_admission", title=f"Toetreding {applicant['organisatie']}",
                       data=dict(applicant), actor=MANAGER)
    return happen


def _decide(title: str) -> Callable[[Database, Office, date], None]:
    def happen(db: Database, office: Office, today: date) -> None:
        item = agenda_item("regiekamer") | {"titel": title, "voorstel": f"{title}: akkoord."}
        start_instance(db, "decision", title=f"Besluit Regiekamer: {title}",
                       actor=holder("Secretaris", "regiekamer"), scope="regiekamer",
                       data={"orgaan": "regiekamer", "agendapunt": item,
                             "aanwezigen": members("regiekamer"), "afwezigen": []})
    return happen


def _call_off_regiekamer(db: Database, office: Office, today: date) -> None:
    with db.reading() as session:
        first = session.scalar(
            select(ProcessInstance.id).where(ProcessInstance.process_key == "meeting",
                                             ProcessInstance.scope == "regiekamer",
                                             ProcessInstance.status.in_(("running", "waiting")))
            .order_by(ProcessInstance.id).limit(1))
    if first is None:
        return
    cancel_instance(db, first, ADMIN, "Vervalt: te weinig agendapunten, geen quorum.")
    check_frequencies(db, today.year)  # the scheduler does this daily


def _appoint_holders(db: Database, office: Office, today: date) -> None:
    year = max(y for y in ELECTION_YEARS if y <= today.year)
    start_instance(db, "portfolio_appointment", title=f"Portefeuillehouders na de "
                   f"verkiezingen {year}", data={"verkiezingsjaar": year},
                   actor=holder("Lid", "dvo"))


def late_meeting(db: Database, office: Office, today: date) -> None:
    """An extra Stuurgroep meeting (MTG-2's "on request") whose papers are not sent in time."""
    meeting = start_instance(db, "meeting", title="Extra vergadering Stuurgroep",
                             data={"orgaan": "stuurgroep"}, scope="stuurgroep",
                             actor=holder("Secretaris", "stuurgroep"))
    office.plans[meeting.id] = MeetingPlan(today + LATE_MEETING_BACK + LATE_MEETING_AHEAD,
                                           papers_late=True, reason="op verzoek van een partij")


EVENTS = (
    Event(10, "admission", _apply(APPLICANTS[0])),
    Event(20, "decision", _decide("Privacyprotocol casusoverleg")),
    Event(30, "decision", _decide("Inzet procesregisseur Noord-Veluwe")),
    Event(36, "call off", _call_off_regiekamer),
    Event(40, "failed admission", _apply(APPLICANTS[1])),
    Event(45, "decision", _decide("Evaluatie werkproces huiselijk geweld")),
    Event(50, "appointment", _appoint_holders),
)

