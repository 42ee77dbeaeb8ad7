"""Meeting-frequency compliance (MTG-1..MTG-4): per body and year, meetings held versus the minimum.

A meeting is an instance of the process ``meeting`` whose scope is the body's code. It counts
as held once its attendance is registered, in the year of its ``vergaderdatum``. Planned are
the meetings under way that are not held yet and the occurrences of the body's timer start
events still to come this year. When held + planned falls below the minimum, the body cannot
reach it any more, and its secretary gets a task (process ``meeting_frequency``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from engine.clock import LOCAL_ZONE, now
from engine.db import Database
from engine.instances import instance_data, start_in
from engine.models import HumanTask, ProcessInstance, TimerSchedule
from engine.runtime import current_step
from engine.schedules import upcoming_occurrences

from .bodies import BODIES, Body

MEETING_PROCESS = "meeting"
ALERT_PROCESS = "meeting_frequency"
# The task whose completion makes a meeting "held" (it opens the meeting).
ATTENDANCE_TASK = "aanwezigheid"
OVER = ("cancelled", "failed")


@dataclass(frozen=True)
class BodyFrequency:
    body: str
    name: str
    year: int
    minimum: int
    held: int
    planned: int

    @property
    def met(self) -> bool:
        return self.held >= self.minimum

    @property
    def reachable(self) -> bool:
        return self.held + self.planned >= self.minimum

    @property
    def shortfall(self) -> int:
        return max(self.minimum - self.held - self.planned, 0)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "met": self.met, "reachable": self.reachable,
                "shortfall": self.shortfall}


def frequency_report(db: Database, year: int | None = None) -> list[BodyFrequency]:
    """Every body with a minimum frequency: held and planned meetings in ``year``."""
    year = year or now().astimezone(LOCAL_ZONE).year
    end_of_year = datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE)
    with db.reading() as session:
        # A meeting is prepared weeks, never years, before its date.
        meetings = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.process_key == MEETING_PROCESS,
                ProcessInstance.started_at >= datetime(year - 1, 1, 1, tzinfo=LOCAL_ZONE),
                ProcessInstance.started_at < end_of_year)).all()
        held_ids = set(session.scalars(
            select(HumanTask.instance_id).where(HumanTask.element_id == ATTENDANCE_TASK,
                                                HumanTask.state == "completed")))
        schedules = session.scalars(
            select(TimerSchedule).where(TimerSchedule.process_key == MEETING_PROCESS,
                                        TimerSchedule.active.is_(True))).all()
        held: dict[str, int] = {}
        planned: dict[str, int] = {}
        for meeting in meetings:
            if meeting.scope is None or meeting_year(meeting) != year:
                continue
            if meeting.id in held_ids:  # held, whatever befell the instance afterwards
                held[meeting.scope] = held.get(meeting.scope, 0) + 1
            elif meeting.status not in (*OVER, "completed"):
                planned[meeting.scope] = planned.get(meeting.scope, 0) + 1
        for schedule in schedules:
            if schedule.scope is not None:
                coming = [due for due in upcoming_occurrences(schedule, end_of_year)
                          if due.astimezone(LOCAL_ZONE).year == year]
                planned[schedule.scope] = planned.get(schedule.scope, 0) + len(coming)
    return [BodyFrequency(body.code, body.name, year, body.min_meetings_per_year,
                          held.get(body.code, 0), planned.get(body.code, 0))
            for body in _bodies_with_minimum()]


def meeting_year(meeting: ProcessInstance) -> int:
    """The year of the meeting date; before it is planned, of the occurrence or the start."""
    data = instance_data(meeting)
    for field in ("vergaderdatum", "occurrence"):
        value = data.get(field)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return date.fromisoformat(value[:10]).year
            except ValueError:
                continue
    return meeting.started_at.astimezone(LOCAL_ZONE).year


def _bodies_with_minimum() -> list[Body]:
    return [b for b in BODIES.values() if b.min_meetings_per_year]


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


def _already_alerted(db: Database, row: BodyFrequency) -> bool:
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
