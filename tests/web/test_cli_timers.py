"""`govflow timers` and `govflow start --start-event`: what the scheduler fires next."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import time_machine

from engine.db import Database

from ..conftest import deploy_data, make_user

NOVEMBER = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def test_govflow_timers_lists_cycle_starts_and_waiting_instances(db: Database, cli) -> None:
    with time_machine.travel(NOVEMBER, tick=False):
        make_user(db, "secretaris", "Secretaris", scope="stamtafel")
        deploy_data(db, "timer_start.bpmn", "timer_wait.bpmn")
        started = cli("start", "timer_wait", "--title", "Wacht een dag", "--as", "secretaris")
        assert started.exit_code == 0, started.output
        printed = cli("timers")
        as_json = cli("timers", "--json")
    assert printed.exit_code == 0, printed.output
    assert printed.output.splitlines() == [
        '2026-11-24 11:00  timer  timer_wait             instance 1 (Wacht een dag): '
        '"Een dag later"',
        '2027-01-01 09:00  start  quarterly              new instance at "Elk kwartaal"'
        "  [stamtafel]",
    ]
    rows = json.loads(as_json.output)
    assert [(r["kind"], r["process"], r["due_at"]) for r in rows] == [
        ("timer", "timer_wait", "2026-11-24T10:00:00+00:00"),
        ("start", "quarterly", "2027-01-01T08:00:00+00:00")]


def test_govflow_start_at_a_timer_start_event_by_hand(db: Database, cli) -> None:
    """Before the cycle of timer_start (2027) begins: started by hand, not by its timer."""
    with time_machine.travel(NOVEMBER, tick=False):
        make_user(db, "secretaris", "Secretaris", scope="stamtafel")
        deploy_data(db, "timer_start.bpmn")
        started = cli("start", "quarterly", "--start-event", "each_quarter", "--as",
                      "secretaris", "--json")
        assert started.exit_code == 0, started.output
        assert json.loads(started.output)["status"] == "running"
        refused = cli("start", "quarterly", "--start-event", "yearly", "--as", "secretaris")
    assert refused.exit_code == 1
    assert 'no start event "yearly" (it has: by_hand, each_quarter)' in refused.output
