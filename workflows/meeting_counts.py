"""How often each body met in a year (MTG-1..MTG-4): per Dutch quarter the meetings held and
those still planned. The CLI, the daily check and the managers' frequency page count with it.

A meeting is an instance of the process ``meeting`` whose scope is the body's code. It counts
as held once its attendance is registered, in the year of its meeting date, whatever befell
the instance afterwards. Planned are the meetings under way that are not held yet and the
occurrences of the body's timer start events still to come in the year.

It reads projections only, never a serialized workflow: the meeting date is the instance's
``dated_on`` (the meeting's ``vergaderdatum`` once planned or moved, before that the timer
occurrence it started for; see engine/instance_date.py), else its start. For meetings whose
last step came before that projection, the same dates are read from the audit trail. Three
queries (four with such meetings), whatever the number of meetings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from engine.clock import LOCAL_ZONE
from engine.models import AuditEvent, HumanTask, ProcessInstance, TimerSchedule
from engine.schedules import upcoming_occurrences

from .bodies import BODIES

MEETING_PROCESS = "meeting"
# The task whose completion makes a meeting "held" (it opens the meeting).
ATTENDANCE_TASK = "aanwezigheid"
# The tasks whose form data carries the meeting date.
DATING_TASKS = ("plannen", "verplaatsen")
OVER = ("cancelled", "failed")


@dataclass(frozen=True)
class Meeting:
    instance_id: int
    body: str
    day: date
    held: bool


@dataclass(frozen=True)
class BodyYear:
    """One body's year: held and planned meetings per quarter (index 0 is Q1)."""

    body: str
    name: str
    year: int
    minimum: int
    held_per_quarter: tuple[int, ...]
    planned_per_quarter: tuple[int, ...]

    @property
    def held(self) -> int:
        return sum(self.held_per_quarter)

    @property
    def planned(self) -> int:
        return sum(self.planned_per_quarter)

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
        return {"body": self.body, "name": self.name, "year": self.year,
                "minimum": self.minimum, "held": self.held, "planned": self.planned,
                "met": self.met, "reachable": self.reachable, "shortfall": self.shortfall,
                "held_per_quarter": list(self.held_per_quarter),
                "planned_per_quarter": list(self.planned_per_quarter)}


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def body_years(session: Session, bodies: Iterable[str], year: int) -> list[BodyYear]:
    """The year of each body in ``bodies`` (that has a minimum), in the order given."""
    codes = [code for code in bodies if BODIES[code].min_meetings_per_year]
    meetings = meetings_of_year(session, codes, year)
    coming = coming_occurrences(session, codes, year)
    return [body_year(code, year, [*meetings, *coming]) for code in codes]


def meetings_of_year(session: Session, bodies: Iterable[str], year: int) -> list[Meeting]:
    """The meetings of ``bodies`` dated in ``year`` that were held or are still under way."""
    bodies = sorted(bodies)
    if not bodies:
        return []
    dated, undated = _meeting_instances(bodies, year)
    columns = (ProcessInstance.id, ProcessInstance.scope, ProcessInstance.status)
    rows = list(session.execute(dated.with_only_columns(*columns, ProcessInstance.dated_on)))
    waiting = list(session.execute(undated.with_only_columns(*columns,
                                                             ProcessInstance.started_at)))
    held = set(session.scalars(select(HumanTask.instance_id).where(
        HumanTask.instance_id.in_(dated.union_all(undated)),
        HumanTask.element_id == ATTENDANCE_TASK, HumanTask.state == "completed")))
    if waiting:
        days = _meeting_days(session, undated)
        rows += [(instance_id, scope, status,
                  days.get(instance_id) or started_at.astimezone(LOCAL_ZONE).date())
                 for instance_id, scope, status, started_at in waiting]
    found = []
    for instance_id, scope, status, day in rows:
        is_held = instance_id in held  # held, whatever befell the instance afterwards
        if day.year == year and (is_held or status not in (*OVER, "completed")):
            found.append(Meeting(instance_id, scope, day, is_held))
    return found


def _meeting_instances(bodies: list[str], year: int) -> tuple[Select[Any], Select[Any]]:
    """The meetings dated in ``year`` (the projected ``dated_on``), and those without a date
    yet that may be of it: a meeting is prepared weeks, never years, before its date."""
    meetings = select(ProcessInstance.id).where(ProcessInstance.process_key == MEETING_PROCESS,
                                                ProcessInstance.scope.in_(bodies))
    dated = meetings.where(ProcessInstance.dated_on >= date(year, 1, 1),
                           ProcessInstance.dated_on < date(year + 1, 1, 1))
    undated = meetings.where(
        ProcessInstance.dated_on.is_(None),
        ProcessInstance.started_at >= datetime(year - 1, 1, 1, tzinfo=LOCAL_ZONE),
        ProcessInstance.started_at < datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE))
    return dated, undated


def _meeting_days(session: Session, instances: Select[Any]) -> dict[int, date]:
    """Per meeting the last date entered for it, else the timer occurrence it started for,
    from the audit trail: for meetings whose last step came before ``dated_on`` was."""
    events = session.execute(
        select(AuditEvent.instance_id, AuditEvent.kind, AuditEvent.details)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.task_id)
        .where(AuditEvent.instance_id.in_(instances.with_only_columns(ProcessInstance.id)),
               or_(AuditEvent.kind == "instance_started",
                   (AuditEvent.kind == "task_completed")
                   & HumanTask.element_id.in_(DATING_TASKS)))
        .order_by(AuditEvent.id)).all()
    occurrence: dict[int, date] = {}
    planned: dict[int, date] = {}
    for instance_id, kind, details in events:
        data = (details or {}).get("data") or {}
        key = "occurrence" if kind == "instance_started" else "vergaderdatum"
        day = _iso_day(data.get(key))
        if day is not None:
            (occurrence if kind == "instance_started" else planned)[instance_id] = day
    return occurrence | planned


def _iso_day(value: object) -> date | None:
    if isinstance(value, str) and len(value) >= 10:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is not None:
            return moment.astimezone(LOCAL_ZONE).date()
        return moment.date()
    return None


def coming_occurrences(session: Session, bodies: Iterable[str], year: int) -> list[Meeting]:
    """The timer starts of ``year`` still to come, as planned meetings on their local day."""
    end_of_year = datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE)
    schedules = session.scalars(select(TimerSchedule).where(
        TimerSchedule.process_key == MEETING_PROCESS, TimerSchedule.active.is_(True),
        TimerSchedule.scope.in_(sorted(bodies)))).all()
    coming = []
    for schedule in schedules:
        for due in upcoming_occurrences(schedule, end_of_year):
            day = due.astimezone(LOCAL_ZONE).date()
            if day.year == year:
                coming.append(Meeting(0, schedule.scope or "", day, held=False))
    return coming


def body_year(code: str, year: int, meetings: list[Meeting]) -> BodyYear:
    """One body's year from the meetings held, under way and still to come."""
    held = [0, 0, 0, 0]
    planned = [0, 0, 0, 0]
    for meeting in meetings:
        if meeting.body == code:
            (held if meeting.held else planned)[quarter_of(meeting.day) - 1] += 1
    body = BODIES[code]
    return BodyYear(code, body.name, year, body.min_meetings_per_year or 0, tuple(held),
                    tuple(planned))
