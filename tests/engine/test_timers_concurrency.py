"""Timers under pressure: several scheduler processes at once, and a scheduler that was down."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from engine import audit, instances
from engine.db import Database
from engine.models import AuditEvent, ProcessInstance
from engine.timers import fire_due_timers

from ..bulk import copy_instance
from ..conftest import deploy_data

PROJECT = Path(__file__).resolve().parents[2]
GOVFLOW = Path(sys.executable).with_name("govflow")
# What `govflow scheduler --once` prints last: "fired 12 timer(s)".
FIRED = re.compile(r"^fired (\d+) timer", re.MULTILINE)


def due_timer_instances(db: Database, count: int) -> None:
    """``count`` instances of timer_wait whose timer fell due in 2024, long before now."""
    with time_machine.travel(datetime(2024, 1, 1, 9, 0, tzinfo=UTC), tick=False):
        deploy_data(db, "timer_wait.bpmn")
        first = instances.start_instance(db, "timer_wait", title="Wacht")
    assert first.status == "waiting"
    with db.transaction() as session:
        copy_instance(session, first.id, count - 1)


def run_schedulers(db: Database, processes: int, folder: Path) -> list[int]:
    """Run ``govflow scheduler --once`` in that many processes at once; what each fired."""
    env = {**os.environ, "DATABASE_URL": db.url, "GOVFLOW_SECRET_KEY": "test",
           "GOVFLOW_INSTANCE_PATH": str(folder)}
    # Output goes to files: a pipe nobody reads while waiting for the other process fills up
    # with the scheduler's log and blocks its writer.
    logs = [folder / f"scheduler-{n}.log" for n in range(processes)]
    running = []
    for log in logs:
        with log.open("w") as out:
            running.append(subprocess.Popen([str(GOVFLOW), "scheduler", "--once"], cwd=PROJECT,
                                            env=env, stdout=out, stderr=subprocess.STDOUT))
    fired = []
    for process, log in zip(running, logs, strict=True):
        process.wait(timeout=50)
        output = log.read_text()
        assert process.returncode == 0, output[-2000:]
        match = FIRED.search(output)
        assert match, output[-2000:]
        fired.append(int(match.group(1)))
    return fired


@pytest.mark.timeout(60)
def test_two_scheduler_processes_fire_each_of_1000_due_timers_exactly_once(
        db: Database, tmp_path: Path) -> None:
    if not db.is_postgres:
        pytest.skip("several schedulers on one database is a PostgreSQL setup "
                    "(timers are claimed with FOR UPDATE SKIP LOCKED, which SQLite lacks)")
    due_timer_instances(db, 1000)

    fired = run_schedulers(db, 2, tmp_path)

    print(f"\ntwo scheduler processes fired {fired[0]} and {fired[1]} of 1000 timers")
    with db.reading() as session:
        statuses = Counter(session.scalars(select(ProcessInstance.status)))
        ids = set(session.scalars(select(ProcessInstance.id)))
        firings = Counter(session.scalars(
            select(AuditEvent.instance_id).where(AuditEvent.kind == "timer_fired")))
    assert statuses == {"completed": 1000}
    assert set(firings) == ids  # none missed
    assert set(firings.values()) == {1}  # none fired twice
    assert sum(fired) == 1000


def test_a_scheduler_down_for_three_cycle_intervals_fires_once_and_says_so_in_the_audit(
        db: Database) -> None:
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        deploy_data(db, "reminder_cycle.bpmn")
        instance = instances.start_instance(db, "reminder_cycle", title="Rapportage Q1")
    assert instance.next_timer_at == start + timedelta(weeks=1)

    with time_machine.travel(start + timedelta(weeks=3.5), tick=False):
        assert fire_due_timers(db) == 1
        assert fire_due_timers(db) == 0

    reminded = instances.get_instance(db, instance.id)
    # The cycle goes on from the next occurrence after now (29 March: CEST, one hour earlier
    # in UTC), and the report is still open.
    assert (reminded.status, reminded.stage) == ("running", "Herinnerd")
    assert reminded.next_timer_at == datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    with db.reading() as session:
        [firing] = [e for e in audit.events_of_instance(session, instance.id)
                    if e.kind == "timer_fired"]
    assert firing.details["element"] == "weekly"
    assert (firing.details["occurrences"], firing.details["missed"]) == (3, 2)
    assert "fired once" in firing.details["note"]
    # It fires for the latest occurrence; the two before it are listed as skipped.
    assert firing.details["due"] == "2027-03-22T09:00:00+00:00"
    assert firing.details["skipped"] == ["2027-03-08T09:00:00+00:00", "2027-03-15T09:00:00+00:00"]
