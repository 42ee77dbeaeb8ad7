"""Meeting-frequency compliance (MTG-1..MTG-4): per body and year, meetings held versus the
minimum, counted by ``workflows.meeting_counts``. When held + planned falls below the minimum,
the body cannot reach it any more, and its secretary gets a task (process
``meeting_frequency``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.clock import LOCAL_ZONE, now
from engine.db import Database
from engine.instances import instance_data, start_in
from engine.models import ProcessInstance
from engine.runtime import current_step

from .bodies import BODIES
from .meeting_counts import MEETING_PROCESS, BodyYear, body_years

ALERT_PROCESS = "meeting_frequency"


def frequency_report(db: Database, year: int | None = None) -> list[BodyYear]:
    """Every body with a minimum frequency: held and planned meetings in ``year``."""
    year = year or now().astimezone(LOCAL_ZONE).year
    with db.reading() as session:
        return body_years(session, BODIES, year)


def check_frequencies(db: Database, year: int | None = None) -> list[int]:
    """Give the secretary of each body that can no longer reach its minimum a task.

    One task per body, year and shortfall: a body that stays short does not get the same
    task again, but one that falls further short does. Returns the instances started.
    """
    started = []
    for row in frequency_report(db, year):
        if row.reachable or _already_alerted(db, row):
            continue
        with db.transaction() as session:
            instance = start_in(
                session, ALERT_PROCESS,
                title=f"Vergaderfrequentie {row.name} {row.year}: {row.shortfall} te weinig",
                data={"orgaan": row.body, "jaar": row.year, "minimum": row.minimum,
                      "gehouden": row.held, "gepland": row.planned, "tekort": row.shortfall},
                actor=None, scope=row.body, start_event=None)
            started.append(instance.id)
    return started


def _already_alerted(db: Database, row: BodyYear) -> bool:
    with db.reading() as session:
        alerts = session.scalars(
            select(ProcessInstance).where(ProcessInstance.process_key == ALERT_PROCESS,
                                          ProcessInstance.scope == row.body)).all()
        for alert in alerts:
            data = instance_data(alert)
            if data.get("jaar") == row.year and data.get("tekort", 0) >= row.shortfall:
                return True
    return False


def plan_extra_meeting(orgaan: str, reden: str = "") -> dict[str, Any]:
    """Service task of meeting_frequency: start an extra meeting of the body, in this step."""
    session, _actor = current_step()
    body = BODIES.get(orgaan)
    if body is None:
        raise ValueError(f"unknown body {orgaan!r}; known: {', '.join(BODIES)}")
    meeting = start_in(session, MEETING_PROCESS, title=f"Extra vergadering {body.name}",
                       data={"orgaan": orgaan, "aanleiding_extra": reden}, actor=None,
                       scope=orgaan, start_event=None)
    return {"vergadering": meeting.id}
