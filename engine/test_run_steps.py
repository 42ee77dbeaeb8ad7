"""The commands of a test run: start it, do a task as a person of its cast, move its clock.

Each one is the engine's own command (``start_instance``, ``complete_task``,
``fire_due_timers``) on the run's database at the run's clock, so a draft behaves in a run as
it will once deployed: the same forms, roles, timers, reminders and escalations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import audit
from .errors import Conflict, InvalidInput
from .instances import check_data, start_instance
from .models import HumanTask, ProcessInstance
from .tasks import complete_task
from .test_runs import OpenRun
from .timers import fire_due_timers, upcoming_timers

# Firings in one move of the clock; a cycle of every day moved ten years on stops here.
MAX_FIRINGS = 100


class NothingWaiting(Conflict):
    """No timer waits in the run: there is no next timer to move the clock to."""


@dataclass(frozen=True)
class ClockMoved:
    before: datetime
    after: datetime
    fired: int
    stopped: bool  # MAX_FIRINGS reached before the moment asked for


def start_run(opened: OpenRun, data: dict[str, Any] | None) -> ProcessInstance:
    """Start the run's instance with the start data (refused as a start by hand would be:
    FormRejected names each field, and nothing changes)."""
    run = opened.run
    if run.instance_id is not None:
        raise Conflict("this test run has started already; restart it to start again")
    data = dict(check_data(data))
    with opened.at_its_clock():
        instance = start_instance(opened.db, run.key, data=data, actor=run.owner)
    run.instance_id, run.start_data = instance.id, data
    return instance


def complete_as(opened: OpenRun, task_id: int, person: str,
                data: dict[str, Any] | None) -> HumanTask:
    """Complete a task of the run as ``person`` of its cast, who must be allowed to do it, with
    the data of its form; the run's instance advances as it would in real work."""
    with opened.at_its_clock():
        return complete_task(opened.db, task_id, person, data)


def move_clock(opened: OpenRun, to: datetime | None) -> ClockMoved:
    """Move the run's clock to ``to`` (None: to the next timer that waits), firing every timer
    that falls due on the way at its own moment, in order, as the scheduler would."""
    run = opened.run
    before = run.clock
    if to is None:
        due = _next_due(opened)
        if due is None:
            raise NothingWaiting("no timer waits in this test run")
        to = max(due, before)  # one that is due already fires now
    elif to.tzinfo is None:
        raise InvalidInput("give the moment with its time zone", {"to": "naive"})
    elif to <= before:
        raise InvalidInput("the clock of a test run only moves forward", {"to": "earlier"})
    fired, stopped = 0, False
    while (due := _next_due(opened)) is not None and due <= to:
        if fired >= MAX_FIRINGS:
            stopped = True
            break
        run.clock = max(run.clock, due)
        turn = _fire(opened)
        fired += turn
        if turn == 0:
            break  # due, yet nothing fired (a failed instance): go on to the moment asked
    if not stopped:
        run.clock = to
        fired += _fire(opened)
    with opened.at_its_clock(), opened.db.transaction() as session:
        audit.record(session, "clock_moved", run.owner, instance_id=run.instance_id,
                     details={"from": before.isoformat(), "to": run.clock.isoformat(),
                              "fired": fired})
    return ClockMoved(before, run.clock, fired, stopped)


def _fire(opened: OpenRun) -> int:
    with opened.at_its_clock():
        return fire_due_timers(opened.db)


def _next_due(opened: OpenRun) -> datetime | None:
    upcoming = upcoming_timers(opened.db, limit=1)
    return upcoming[0].due_at if upcoming else None
