"""Firing due timers, the scheduler's one command, and the list of what comes next.

Two kinds of due timer: an instance waiting on a timer event (``next_timer_at``) and a timer
start event whose next occurrence has come (``timer_schedules.next_due_at``). Each fires in
a transaction of its own; on PostgreSQL the row is claimed with FOR UPDATE SKIP LOCKED, so
any number of schedulers never fire one timer twice; elsewhere the version column turns a
second firing into a Conflict that is skipped.
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
from .instances import record_failure, start_failed_in, start_in
from .models import ProcessInstance, TimerSchedule
from .runtime import StepFailed, advance, open_workflow, save
from .schedules import occurrence_title, occurrence_value, take_occurrence
from .timer_events import firing_log

log = logging.getLogger(__name__)

WAITING = ("running", "waiting")


def fire_due_timers(db: Database, limit: int | None = None) -> int:
    """Fire everything due now; returns how many instances moved on or were started.

    Cycle starts first, then instance timers; a start that falls due meanwhile waits for the
    next run. A row that is still due after its turn (another scheduler holds it, or it could
    not be handled) is left for the next run, so one run always ends.
    """
    fired = 0
    for fire_next in (_start_next_occurrence, _fire_next_instance):
        skip: set[int] = set()
        while limit is None or fired < limit:
            turn = fire_next(db, skip)
            if turn is None:
                break
            fired += turn.fired
            if turn.still_due:
                skip.add(turn.row_id)
    return fired


@dataclass(frozen=True)
class _Turn:
    row_id: int
    fired: bool
    still_due: bool


def _claim_due(db: Database, session: Session, entity: Any, due: Any, *conditions: Any,
               skip: set[int]) -> Any:
    """The earliest due row not in ``skip``; on PostgreSQL locked, skipping rows others hold."""
    query = select(entity).where(due <= now(), *conditions).order_by(due)
    if skip:
        query = query.where(entity.id.not_in(skip))
    if db.is_postgres:
        query = query.with_for_update(skip_locked=True, of=entity)
    return session.scalars(query.limit(1)).first()


def _fire_next_instance(db: Database, skip: set[int]) -> _Turn | None:
    instance_id = None
    try:
        with db.transaction() as session:
            instance = _claim_due(db, session, ProcessInstance, ProcessInstance.next_timer_at,
                                  ProcessInstance.status.in_(WAITING), skip=skip)
            if instance is None:
                return None
            instance_id = instance.id
            workflow = open_workflow(instance)
            with firing_log() as firings:
                milestones = advance(workflow, session, None, instance.id)
            save(session, instance, workflow, milestones)
            for firing in firings:
                audit.record(session, "timer_fired", None, instance_id=instance.id,
                             details=_missed(firing))
            still_due = instance.next_timer_at is not None and instance.next_timer_at <= now()
            return _Turn(instance_id, bool(firings), still_due)
    except Conflict:  # another scheduler fired it first (SQLite has no SKIP LOCKED)
        return _Turn(instance_id, False, True) if instance_id is not None else None
    except StepFailed as err:
        log.warning("instance %s failed on a timer: %s", instance_id, err.message)
        if instance_id is None:
            raise
        record_failure(db, instance_id, err, None)
        return _Turn(instance_id, True, False)
    except DBAPIError:
        raise  # the database itself (gone, deadlock): the next run tries again
    except Exception as err:
        if instance_id is None:
            raise
        # Anything else (a state that no longer loads): fail the instance so that it is seen
        # and the timers behind it still fire.
        log.exception("instance %s could not fire its timer", instance_id)
        record_failure(db, instance_id, StepFailed(f"the timer could not fire: {err}"), None)
        return _Turn(instance_id, True, False)


def _missed(firing: dict[str, Any], fired: str = "fired once") -> dict[str, Any]:
    """A cycle whose scheduler was down fires once; the audit says how many it stands for."""
    details = dict(firing)
    if firing["occurrences"] > 1:
        details["missed"] = firing["occurrences"] - 1
        details["note"] = (f"{firing['occurrences']} occurrences fell due while no scheduler "
                           f"ran; {fired}")
    return details


def _start_next_occurrence(db: Database, skip: set[int]) -> _Turn | None:
    schedule_id = None
    try:
        with db.transaction() as session:
            schedule = _claim_due(db, session, TimerSchedule, TimerSchedule.next_due_at,
                                  TimerSchedule.active.is_(True), skip=skip)
            if schedule is None:
                return None
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
                 details=_missed(firing, "one instance started"))


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
