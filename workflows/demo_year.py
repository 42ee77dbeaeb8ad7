"""A demo year: the catalogue at work from the first of January up to now, for `make run`.

Nothing here writes rows of its own: the engine's clock is moved day by day (09:00 Dutch
time) and on each day the scheduler's command fires what is due, the one-off events of the
year happen (demo_events) and the demo users do their work (demo_office) through the task
commands. The users, their roles and the deployment are made on the first day, so that they
hold their roles for the whole year.

Only a new database gets a demo year: one without users, deployed processes or instances.
An existing database, a production one among them, is refused and left as it is; a
database with a demo year says so (the marker is an audit event), so a second run does
nothing. The command (web/cli_demo.py) refuses besides any database that DATABASE_URL names.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from engine import audit, deploy, tasks
from engine.clock import LOCAL_ZONE, fixed_at, now
from engine.db import Database
from engine.errors import Conflict
from engine.models import AuditEvent, ProcessDefinition, ProcessInstance, User
from engine.runtime import StepFailed
from engine.timers import fire_due_timers

from .demo_events import EVENTS, LATE_MEETING_BACK, Event, late_meeting
from .demo_office import Office, open_tasks
from .seed import seed

log = logging.getLogger(__name__)

MARKER = "demo_year_seeded"
ACTOR = "seed"
# Early in January the year so far has little to see: the demo then runs from last year.
LEAST_SPAN = timedelta(days=60)


@dataclass(frozen=True)
class DemoYear:
    first_day: date
    until: datetime
    counts: dict[tuple[str, str], int]  # (process key, status) -> instances


def refusal(db: Database) -> str | None:
    """Why ``db`` gets no demo year, or None when it is new (just migrated)."""
    with db.reading() as session:
        if session.scalar(select(AuditEvent.id).where(AuditEvent.kind == MARKER).limit(1)):
            return "the demo year is there already"
        for model, what in ((User, "users"), (ProcessDefinition, "deployed processes"),
                            (ProcessInstance, "process instances")):
            if session.scalar(select(model.id).limit(1)) is not None:
                return f"the database holds {what} already: a demo year goes only into a new one"
    return None


def first_day(until: datetime) -> date:
    """The first of January of the demo year that ends at ``until``."""
    return date((until.astimezone(LOCAL_ZONE) - LEAST_SPAN).year, 1, 1)


def seed_demo_year(db: Database, bpmn: Path, password: str,
                   until: datetime | None = None) -> DemoYear | None:
    """Seed the demo year up to ``until`` (default: now) into a new database.

    Returns None, and changes nothing, when ``refusal`` gives a reason.
    """
    if refusal(db) is not None:
        return None
    until = until or now()
    start = first_day(until)
    with fixed_at(datetime.combine(start, time(8), LOCAL_ZONE)):
        seed(db, password)
        deploy.deploy(db, [bpmn], ACTOR, note="Demo")
    office = Office()
    events = [(start + timedelta(days=e.day), e) for e in EVENTS]
    events.append((until.astimezone(LOCAL_ZONE).date() - LATE_MEETING_BACK,
                   Event(0, "late meeting", late_meeting)))
    day, last = start, until.astimezone(LOCAL_ZONE).date()
    while day <= last:
        moment = datetime.combine(day, time(9), LOCAL_ZONE) if day < last else until
        with fixed_at(moment):
            _live(db, office, day, [e for when, e in events if when == day])
        day += timedelta(days=1)
    with fixed_at(until), db.transaction() as session:
        audit.record(session, MARKER, ACTOR, details={"from": start.isoformat(),
                                                      "until": until.isoformat()})
    return DemoYear(start, until, _counts(db))


def _live(db: Database, office: Office, today: date, events: list[Event]) -> None:
    """One day: the timers that are due, the events of the day, everyone's work."""
    fire_due_timers(db)
    for event in events:
        event.happen(db, office, today)
    done: set[int] = set()
    progress = True
    while progress:  # completing a task may bring the next one, due the same day
        progress = False
        with db.reading() as session:
            todo = open_tasks(session, done)
            work = [(task, office.work(session, task, today)) for task in todo]
        for task, job in work:
            done.add(task.id)
            if job is not None:
                progress = _do(db, task.id, task.personal, *job) or progress


def _do(db: Database, task_id: int, personal: bool, user: str, data: dict[str, Any]) -> bool:
    try:
        if not personal:
            tasks.claim_task(db, task_id, user)
        tasks.complete_task(db, task_id, user, data)
    except StepFailed as err:  # recorded on the instance: the demo shows a failed one
        log.info("demo: task %s failed: %s", task_id, err.message)
    except Conflict:  # an earlier step of the day ended it (a timer, a cancellation)
        return False
    return True


def _counts(db: Database) -> dict[tuple[str, str], int]:
    with db.reading() as session:
        rows = session.execute(select(ProcessInstance.process_key, ProcessInstance.status,
                                      func.count()).group_by(ProcessInstance.process_key,
                                                             ProcessInstance.status))
        return dict(Counter({(key, status): count for key, status, count in rows}))
