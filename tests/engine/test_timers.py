"""The scheduler's command: instances waiting on a due timer move on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from engine import audit, instances
from engine.db import Database
from engine.timers import fire_due_timers

from ..conftest import deploy_data


def test_a_due_timer_fires_once_and_the_instance_moves_on(db: Database) -> None:
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        deploy_data(db, "timer_wait.bpmn")
        instance = instances.start_instance(db, "timer_wait", title="Wacht")
        assert instance.status == "waiting"
        assert instance.next_timer_at == start + timedelta(days=1)
        assert fire_due_timers(db) == 0
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert fire_due_timers(db) == 1
        assert fire_due_timers(db) == 0
    done = instances.get_instance(db, instance.id)
    assert (done.status, done.stage, done.next_timer_at) == ("completed", "Gewacht", None)
    with db.reading() as session:
        kinds = [e.kind for e in audit.events_of_instance(session, instance.id)]
    assert kinds == ["instance_started", "timer_fired"]
