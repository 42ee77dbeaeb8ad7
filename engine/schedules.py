"""Timer start events: one new instance per occurrence (per year, per quarter, per meeting).

SpiffWorkflow only lets a timer start event hold up the one instance it is in. Here each
timer start event of the latest version of a process has a row in ``timer_schedules`` with
its next due time; the scheduler claims a due row, starts an instance for that occurrence
and moves the row to the next occurrence, in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import LOCAL_ZONE, now
from .models import ProcessDefinition, TimerSchedule
from .spiff import current_script_engine
from .timer_events import timer_kind, timer_start_events
from .timer_expressions import (
    Cycle,
    is_literal,
    parse_cycle,
    parse_instant,
    parse_period,
    unwrap,
)

# A property on a timer start event: the scope of the instances it starts (a body's key).
SCOPE_PROPERTY = "scope"


def start_value(expression: str) -> Any:
    """A start event's value: a literal, or an expression over the helpers (there is no data)."""
    text = unwrap(expression)
    if is_literal(text):
        return text
    return current_script_engine().environment.evaluate(text, {})


def sync_schedules(session: Session, definition: ProcessDefinition, spec: Any,
                   moment: datetime | None = None) -> None:
    """Point the schedules of a process at ``definition``, its latest version.

    A start event whose timer is unchanged keeps its next occurrence, so a new version
    neither fires an occurrence twice nor skips one; a changed timer is planned afresh from
    the later of its last occurrence and now; a start event that is gone stops.
    """
    moment = moment or now()
    existing = {s.element_id: s for s in session.scalars(
        select(TimerSchedule).where(TimerSchedule.process_key == definition.key))}
    for start in timer_start_events(spec):
        expression = start.event_definition.expression or ""
        kind = timer_kind(start.event_definition)
        properties = getattr(start, "extensions", {}).get("properties", {})
        schedule = existing.pop(start.bpmn_id, None)
        if schedule is None:
            schedule = TimerSchedule(process_key=definition.key, element_id=start.bpmn_id,
                                     next_index=0, active=True)
            session.add(schedule)
        unchanged = (schedule.active and schedule.expression == expression
                     and schedule.kind == kind)
        schedule.definition_id = definition.id
        schedule.name = start.bpmn_name or start.bpmn_id
        schedule.scope = properties.get(SCOPE_PROPERTY)
        if not unchanged:
            schedule.kind, schedule.expression, schedule.active = kind, expression, True
            _plan(schedule, moment)
    for gone in existing.values():
        gone.active, gone.next_due_at = False, None


def _plan(schedule: TimerSchedule, moment: datetime) -> None:
    """Compute the first occurrence after the last one fired and after ``moment``."""
    value = start_value(schedule.expression)
    last = schedule.last_occurrence_at
    after = max(moment, last) if last else moment
    schedule.cycle = None
    if schedule.kind == "timeCycle":
        cycle = parse_cycle(value, moment)
        schedule.cycle = {"start": cycle.start.isoformat(), "period": str(cycle.period),
                          "repetitions": cycle.repetitions}
        schedule.next_index = cycle.first_index_after(after)
        schedule.next_due_at = cycle.occurrence(schedule.next_index)
    elif schedule.kind == "timeDuration":
        schedule.next_due_at = parse_period(value).after(moment)
    else:  # a date in the past that never fired still fires, once
        due = parse_instant(value)
        schedule.next_due_at = None if last is not None and due <= last else due


def cycle_of(schedule: TimerSchedule) -> Cycle | None:
    if schedule.cycle is None:
        return None
    return Cycle(datetime.fromisoformat(schedule.cycle["start"]),
                 parse_period(schedule.cycle["period"]), schedule.cycle["repetitions"])


def take_occurrence(schedule: TimerSchedule, moment: datetime) -> tuple[datetime, list[datetime]]:
    """Move a due schedule past ``moment``: returns the occurrence to start and those skipped.

    A scheduler that was down fires a cycle once, for its latest due occurrence; the earlier
    ones it missed are returned so the audit trail can say so.
    """
    due = schedule.next_due_at
    assert due is not None and due <= moment
    cycle = cycle_of(schedule)
    if cycle is None:
        schedule.last_occurrence_at, schedule.next_due_at = due, None
        return due, []
    following = cycle.first_index_after(moment, schedule.next_index)
    occurrences = [cycle.occurrence(i) for i in range(schedule.next_index, following)]
    fired = occurrences[-1]
    schedule.next_index = following
    schedule.next_due_at = cycle.occurrence(following)
    schedule.last_occurrence_at = fired
    return fired, occurrences[:-1]


def occurrence_value(moment: datetime) -> str:
    """The ``occurrence`` of a timer-started instance: Dutch local time, ISO 8601, to the second
    (as the scheduler gives it; a start by hand at a timer start event gets its own moment)."""
    return moment.astimezone(LOCAL_ZONE).replace(microsecond=0).isoformat()


def occurrence_title(schedule: TimerSchedule, occurrence: datetime) -> str:
    local = occurrence.astimezone(LOCAL_ZONE)
    return f"{schedule.definition.name}: {schedule.name} ({local:%d-%m-%Y})"


def upcoming_occurrences(schedule: TimerSchedule, until: datetime) -> list[datetime]:
    """The occurrences still to come up to ``until`` (a year's plan, for compliance)."""
    if not schedule.active or schedule.next_due_at is None:
        return []
    cycle = cycle_of(schedule)
    if cycle is None:
        return [schedule.next_due_at] if schedule.next_due_at <= until else []
    found, index = [], schedule.next_index
    while (due := cycle.occurrence(index)) is not None and due <= until:
        found.append(due)
        index += 1
    return found

