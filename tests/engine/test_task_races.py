"""Two transitions of one task at the same moment: exactly one wins, the other is a Conflict,
and the task and its audit agree with the winner (issue 10).

Each trial lets both commands load the task before either changes it (the moment the old
read-then-write code lost updates), on two connection pools, as two web processes would. That
moment exists on PostgreSQL only: on SQLite a command's transaction takes the write lock
before it reads (BEGIN IMMEDIATE), so commands take turns; the last test shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from engine import audit, instances, tasks
from engine.db import Database
from engine.errors import Conflict
from engine.models import HumanTask, ProcessInstance

from ..conftest import deploy_data, make_user

TRIALS = 40
DRAFT = "Begroting opstellen"
DRAFT_DATA = {"basistaken": 1, "toelichting": "x"}
Command = Callable[[Database, int], Any]


ON_POSTGRES = pytest.mark.parametrize(
    "db", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture
def two_managers(db: Database) -> Database:
    make_user(db, "mia", "Manager ZVH")
    make_user(db, "max", "Manager ZVH")
    deploy_data(db, "two_lanes.bpmn")
    return db


def _new_draft(db: Database) -> tuple[ProcessInstance, HumanTask]:
    instance = instances.start_instance(db, "two_lanes", actor="mia")
    [task] = tasks.tasks_of_instance(db, instance.id)
    return instance, task


def race(db: Database, monkeypatch: pytest.MonkeyPatch, task_id: int,
         first: Command, second: Command) -> list[Any]:
    """Run ``first`` and ``second`` on the task at once; both read it before either writes."""
    other = Database(db.url)
    loaded = threading.Barrier(2, timeout=20)
    original = tasks.require_task
    outcomes: list[Any] = [None, None]

    def require_then_wait(session, wanted):
        task = original(session, wanted)
        loaded.wait()
        return task

    def run(index: int, command: Command, database: Database) -> None:
        try:
            outcomes[index] = command(database, task_id)
        except Conflict as err:
            outcomes[index] = err
        except Exception as err:  # anything else fails the test, with what it was
            outcomes[index] = err

    monkeypatch.setattr(tasks, "require_task", require_then_wait)
    threads = [threading.Thread(target=run, args=(0, first, db)),
               threading.Thread(target=run, args=(1, second, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    monkeypatch.setattr(tasks, "require_task", original)
    other.dispose()
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, Conflict)]
    assert not unexpected, unexpected
    return outcomes


def _winner(outcomes: list[Any]) -> int:
    """The index of the one command that won; the other must have got a Conflict."""
    wins = [i for i, o in enumerate(outcomes) if not isinstance(o, Conflict)]
    assert len(wins) == 1, outcomes
    return wins[0]


def _kinds(db: Database, instance_id: int) -> list[tuple[str, str | None]]:
    with db.reading() as session:
        return [(e.kind, e.actor) for e in audit.events_of_instance(session, instance_id)]


def _unclaim(user: str) -> Command:
    return lambda database, task_id: tasks.unclaim_task(database, task_id, user)


def _claim(user: str) -> Command:
    return lambda database, task_id: tasks.claim_task(database, task_id, user)


def _complete(user: str) -> Command:
    return lambda database, task_id: tasks.complete_task(database, task_id, user, DRAFT_DATA)


@ON_POSTGRES
def test_unclaim_racing_complete_one_wins_and_the_audit_agrees(
        two_managers: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = two_managers
    for _ in range(TRIALS):
        instance, task = _new_draft(db)
        tasks.claim_task(db, task.id, "mia")
        outcomes = race(db, monkeypatch, task.id, _unclaim("mia"), _complete("mia"))
        after = tasks.get_task(db, task.id)
        events = _kinds(db, instance.id)[1:]
        if _winner(outcomes) == 0:  # given back: open, nobody holds it, nothing completed
            assert (after.state, after.assignee) == ("open", None)
            assert events == [("task_claimed", "mia"), ("task_unclaimed", "mia")]
            assert [t.name for t in tasks.tasks_of_instance(db, instance.id)] == [DRAFT]
        else:
            assert (after.state, after.assignee, after.completed_by) == (
                "completed", "mia", "mia")
            assert events == [("task_claimed", "mia"), ("task_completed", "mia")]


@ON_POSTGRES
def test_claim_racing_complete_by_someone_else_one_wins(
        two_managers: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = two_managers
    for _ in range(TRIALS):
        instance, task = _new_draft(db)
        outcomes = race(db, monkeypatch, task.id, _claim("mia"), _complete("max"))
        after = tasks.get_task(db, task.id)
        events = _kinds(db, instance.id)[1:]
        if _winner(outcomes) == 0:
            assert (after.state, after.assignee) == ("open", "mia")
            assert events == [("task_claimed", "mia")]
        else:
            assert (after.state, after.assignee, after.completed_by) == (
                "completed", "max", "max")
            assert events == [("task_completed", "max")]


@ON_POSTGRES
def test_two_claims_one_wins(two_managers: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = two_managers
    for _ in range(TRIALS):
        instance, task = _new_draft(db)
        outcomes = race(db, monkeypatch, task.id, _claim("mia"), _claim("max"))
        winner = ("mia", "max")[_winner(outcomes)]
        assert tasks.get_task(db, task.id).assignee == winner
        assert _kinds(db, instance.id)[1:] == [("task_claimed", winner)]


@ON_POSTGRES
def test_two_completions_one_wins_and_the_instance_moves_on_once(
        two_managers: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    db = two_managers
    for _ in range(TRIALS):
        instance, task = _new_draft(db)
        outcomes = race(db, monkeypatch, task.id, _complete("mia"), _complete("max"))
        winner = ("mia", "max")[_winner(outcomes)]
        assert "already completed by " + winner in outcomes[1 - _winner(outcomes)].message
        assert tasks.get_task(db, task.id).completed_by == winner
        names = [t.name for t in tasks.tasks_of_instance(db, instance.id)]
        assert names == [DRAFT, "Begroting bespreken"]
        assert _kinds(db, instance.id)[1:] == [("task_completed", winner)]
        # One step saved the instance, once.
        assert instances.get_instance(db, instance.id).lock_version == instance.lock_version + 1


@ON_POSTGRES
def test_a_double_claim_by_the_holder_is_no_conflict(
        two_managers: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two claims by the same person at once (a double click): both return the task."""
    db = two_managers
    instance, task = _new_draft(db)
    outcomes = race(db, monkeypatch, task.id, _claim("mia"), _claim("mia"))
    assert [o.assignee for o in outcomes] == ["mia", "mia"]
    assert _kinds(db, instance.id)[1:] == [("task_claimed", "mia")]


def test_claiming_a_task_one_holds_changes_nothing(two_managers: Database) -> None:
    db = two_managers
    instance, task = _new_draft(db)
    tasks.claim_task(db, task.id, "mia")
    again = tasks.claim_task(db, task.id, "mia")
    assert (again.id, again.assignee, again.state) == (task.id, "mia", "open")
    assert _kinds(db, instance.id)[1:] == [("task_claimed", "mia")]


def _unclaim_and_complete_at_once(db: Database, task_id: int) -> list[Any]:
    other = Database(db.url)
    start = threading.Barrier(2, timeout=20)
    outcomes: list[Any] = []

    def run(command: Command, database: Database) -> None:
        start.wait()
        try:
            outcomes.append(command(database, task_id))
        except Conflict as err:
            outcomes.append(err)

    threads = [threading.Thread(target=run, args=args) for args in (
        (lambda d, t: tasks.unclaim_task(d, t, "mia"), db),
        (lambda d, t: tasks.complete_task(d, t, "mia", dict(DRAFT_DATA)), other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    return outcomes


def test_on_sqlite_commands_take_turns_and_the_second_sees_the_first(sqlite_db: Database) -> None:
    """Unclaim and complete at once on SQLite: the later one reads what the earlier committed,
    so exactly one wins and the task agrees with it."""
    make_user(sqlite_db, "mia", "Manager ZVH")
    deploy_data(sqlite_db, "two_lanes.bpmn")
    for _ in range(10):
        _instance, task = _new_draft(sqlite_db)
        tasks.claim_task(sqlite_db, task.id, "mia")
        outcomes = _unclaim_and_complete_at_once(sqlite_db, task.id)
        assert len(outcomes) == 2 and sum(isinstance(o, Conflict) for o in outcomes) <= 1
        final = tasks.get_task(sqlite_db, task.id)
        if final.state == "completed":
            assert final.completed_by == "mia" and final.assignee == "mia"
        else:
            assert final.state == "open" and final.assignee is None
