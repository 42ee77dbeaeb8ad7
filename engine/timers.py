"""Firing due timers, the scheduler's one command, and the list of what comes next.

Two kinds of due timer: a timer start event whose next occurrence has come
(``timer_schedules.next_due_at``), each started in a transaction of its own, and an instance
waiting on a timer event (``next_timer_at``), fired in batches (``timer_batches``). On
PostgreSQL the rows are claimed with FOR UPDATE SKIP LOCKED, so any number of schedulers never
fire one timer twice; elsewhere the version column turns a second firing into a Conflict that
is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from . import audit
from .clock import now
from .db import Database
from .errors import Conflict, EngineError
from .instances import start_failed_in, start_in
from .models import ProcessInstance, TimerSchedule
from .runtime import StepFailed
from .schedules import occurrence_title, occurrence_value, take_occurrence
from .timer_batches import WAITING, claim_due, fire_due_instances, firing_details

log = logging.getLogger(__name__)


def fire_due_timers(db: Database, limit: int | None = None) -> int:
    """Fire everything due now; returns how many instances moved on or were started.

    Cycle starts first, then instance timers; a start that falls due meanwhile waits for the
    next run. A row that is still due after its turn (another scheduler holds it, or it could
    not be handled) is left for the next run, so one run always ends.
    """
    fired = 0
    skip: set[int] = set()
    while limit is None or fired < limit:
        turn = _start_next_occurrence(db, skip)
        if turn is None:
            break
        fired += turn.fired
        if turn.still_due:
            skip.add(turn.row_id)
    return fired + fire_due_instances(db, None if limit is None else limit - fired)


@dataclass(frozen=True)
class _Turn:
    row_id: int
    fired: bool
    still_due: bool


def _start_next_occurrence(db: Database, skip: set[int]) -> _Turn | None:
    schedule_id = None
    try:
        with db.transaction() as session:
            due = claim_due(db, session, TimerSchedule, TimerSchedule.next_due_at,
                            TimerSchedule.active.is_(True), skip=skip)
            if not due:
                return None
            schedule = due[0]
            schedule_id = schedule.id
            _start_occurrence(session, schedule)
            return _Turn(schedule_id, True, False)
    except Conflict:
        return _Turn(schedule_id, False, True) if schedule_id is not None else None
    except EngineError as err:
        if schedule_id is None:
            raise
        if not isinstance(err, StepFailed):
            # Not this occurrence's fault alone (e.g. the process was removed): report it and
            # let the other timers fire; the schedule stays due and is tried again next run.
            log.error("timer start %s could not start an instance: %s", schedule_id, err.message)
            return _Turn(schedule_id, False, True)
        log.warning("the start of %s failed: %s", schedule_id, err.message)
        with db.transaction() as session:
            schedule = session.get(TimerSchedule, schedule_id)
            if schedule is not None and schedule.next_due_at is not None \
                    and schedule.next_due_at <= now():
                _start_occurrence(session, schedule, failed=err)
        return _Turn(schedule_id, True, False)
    except DBAPIError:
        raise  # the database itself (gone, deadlock): the next run tries again
    except Exception:
        if schedule_id is None:
            raise
        # One broken schedule must not hold up the others: report it, try again next run.
        log.exception("timer start %s could not start an instance", schedule_id)
        return _Turn(schedule_id, False, True)


def _start_occurrence(session: Session, schedule: TimerSchedule,
                      failed: StepFailed | None = None) -> None:
    occurrence, skipped = take_occurrence(schedule, now())
    how = {"title": None, "default_title": occurrence_title(schedule, occurrence),
           "data": {"occurrence": occurrence_value(occurrence)},
           "actor": None, "scope": schedule.scope, "start_event": schedule.element_id}
    if failed is None:
        instance = start_in(session, schedule.process_key, **how)
    else:
        instance = start_failed_in(session, schedule.process_key, failed, **how)
    firing: dict[str, Any] = {"element": schedule.element_id, "name": schedule.name,
                              "due": occurrence.isoformat(), "occurrences": 1 + len(skipped)}
    if skipped:
        firing["skipped"] = [moment.isoformat() for moment in skipped]
    audit.record(session, "timer_fired", None, instance_id=instance.id,
                 details=firing_details(firing, "one instance started"))


@dataclass(frozen=True)
class UpcomingTimer:
    due_at: datetime
    kind: str  # "start": a new instance; "timer": an instance waits on it
    process_key: str
    name: str
    instance_id: int | None = None
    title: str | None = None
    scope: str | None = None


def upcoming_timers(db: Database, limit: int = 100) -> list[UpcomingTimer]:
    """What the scheduler will fire next: cycle starts and instance timers, earliest first."""
    with db.reading() as session:
        starts = session.scalars(
            select(TimerSchedule).where(TimerSchedule.active.is_(True),
                                        TimerSchedule.next_due_at.is_not(None))
            .order_by(TimerSchedule.next_due_at).limit(limit)).all()
        waits = session.execute(
            select(ProcessInstance.id, ProcessInstance.process_key, ProcessInstance.title,
                   ProcessInstance.scope, ProcessInstance.next_timer_at,
                   ProcessInstance.next_timer_name)
            .where(ProcessInstance.next_timer_at.is_not(None),
                   ProcessInstance.status.in_(WAITING))
            .order_by(ProcessInstance.next_timer_at).limit(limit)).all()
    upcoming = [UpcomingTimer(s.next_due_at, "start", s.process_key, s.name, scope=s.scope)
                for s in starts if s.next_due_at is not None]
    upcoming += [UpcomingTimer(w.next_timer_at, "timer", w.process_key, w.next_timer_name or "",
                               w.id, w.title, w.scope) for w in waits]
    return sorted(upcoming, key=lambda u: u.due_at)[:limit]
