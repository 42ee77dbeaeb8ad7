"""A year of meetings made through the engine commands, for the frequency and annual-figures
pages: deployed on Monday 8 February 2027, so the timer starts of the rest of 2027 are planned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine import instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import ProcessInstance

from ..conftest import make_user
from ..processes.meeting_support import MEMBERS, complete, deploy_governance, make_members

DEPLOYED = datetime(2027, 2, 8, 9, 0, tzinfo=LOCAL_ZONE)
SECRETARY = {body: next(u for u, roles in people if "Secretaris" in roles)
             for body, people in MEMBERS.items()}
NO_ITEMS = {"voorgestelde_punten": []}


def voters(body: str) -> list[str]:
    return [u for u, roles in MEMBERS[body] if "Lid" in roles]


def set_up(db: Database) -> None:
    """The governance with the members of the four bodies; mia is Manager ZVH, anna a member
    of the Regiekamer only (a participant)."""
    deploy_governance(db)
    make_members(db, *MEMBERS)
    make_user(db, "mia", "Manager ZVH")


def item(title: str, proposal: str = "Vaststellen.") -> dict[str, Any]:
    return {"titel": title, "voorstel": proposal, "bron": "secretaris",
            "ingebracht_door": "secretaris"}


def prepare(db: Database, body: str, day: str, agenda: list[dict[str, Any]],
            sent: str) -> ProcessInstance:
    """A meeting of ``body`` on ``day`` with its agenda sent on ``sent``: planned, not held."""
    secretary = SECRETARY[body]
    meeting = instances.start_instance(db, "meeting", title=f"Vergadering {body} {day}",
                                       actor=secretary, scope=body, data={"orgaan": body})
    complete(db, secretary, "Vergadering plannen", {
        "vergaderdatum": day, "locatie": "Zutphen", "aanleiding": "regulier",
        "leden": voters(body)})
    for member in voters(body):
        complete(db, member, "Agendapunten aandragen", NO_ITEMS)
    complete(db, secretary, "Inbreng andere organen vastleggen", {"punten_andere_organen": []})
    complete(db, secretary, "Agenda opstellen", {"agenda": agenda})
    complete(db, secretary, "Agenda en stukken versturen",
             {"agenda_verzonden_op": sent, "stukken": "Agenda en voorstellen"})
    return meeting


def hold(db: Database, body: str, day: str, agenda: list[dict[str, Any]],
         sent: str) -> ProcessInstance:
    """A meeting held (attendance registered, every member present); its votes stay open."""
    meeting = prepare(db, body, day, agenda, sent)
    complete(db, SECRETARY[body], "Aanwezigheid registreren", {"aanwezigen": voters(body)})
    return meeting
