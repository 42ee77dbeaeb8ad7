"""``govflow hand-over`` and ``govflow retry``: the engine's commands from the shell, their
refusals one line."""

from __future__ import annotations

import json
from datetime import datetime

import time_machine

from engine import tasks
from engine.clock import LOCAL_ZONE

from ..conftest import BUDGET_PEOPLE, failed_script_step, start_budget_cycle

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)


def test_hand_over_from_the_shell(cli, db) -> None:
    with time_machine.travel(MONDAY, tick=False):
        start_budget_cycle(db, (*BUDGET_PEOPLE, ("max", "Manager ZVH")))
        draft = next(t for t in tasks.inbox(db, "mia") if t.name == "Begroting opstellen")
        refused = cli("hand-over", str(draft.id), "--to", "dirk", "--as", "nina")
        assert refused.exit_code != 0
        assert "dirk does not hold the role 'Manager ZVH'" in refused.output
        done = cli("hand-over", str(draft.id), "--to", "max", "--as", "nina", "--json")
        assert done.exit_code == 0, done.output
        assert json.loads(done.output)["assignee"] == "max"


def test_retry_from_the_shell(cli, db) -> None:
    instance = failed_script_step(db)
    done = cli("retry", str(instance.id), "--as", "mia")
    assert done.exit_code == 0 and f"instance {instance.id} retried: running" in done.output
    again = cli("retry", str(instance.id), "--as", "mia")
    assert again.exit_code != 0 and "has not failed" in again.output
