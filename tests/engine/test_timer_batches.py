"""Due instance timers fire in batches: one claim and one commit per batch, a savepoint per
instance, so that one failing instance fails alone and the rest of its batch fires."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import object_session

from engine import audit, deploy, identity, instances, tasks, timer_batches
from engine.db import Database
from engine.errors import Conflict
from engine.manager_actions import retry_instance
from engine.models import AuditEvent, Notification, ProcessInstance
from engine.timers import fire_due_timers

from ..conftest import DATA, deploy_data, make_user

NOVEMBER = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
# timer_boundary's weekly reminder, then a script that divides by the instance's ``aantal``:
# an instance started with 0 fails on its timer after its reminder was written.
DIVIDE = ('<bpmn:scriptTask id="divide" name="Delen"><bpmn:incoming>f4</bpmn:incoming>'
          "<bpmn:outgoing>f6</bpmn:outgoing><bpmn:script>uitkomst = 10 / aantal</bpmn:script>"
          "</bpmn:scriptTask>\n")


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def deploy_reminder_then_divide(db: Database, folder: Path) -> None:
    text = (DATA / "timer_boundary.bpmn").read_text()
    text = (text.replace('<bpmn:endEvent id="reminded" name="Herinnerd">'
                         "<bpmn:incoming>f4</bpmn:incoming>",
                         DIVIDE + '<bpmn:endEvent id="reminded" name="Herinnerd">'
                         "<bpmn:incoming>f6</bpmn:incoming>")
            .replace('targetRef="reminded" />', 'targetRef="divide" />\n'
                     '<bpmn:sequenceFlow id="f6" sourceRef="divide" targetRef="reminded" />')
            .replace("<bpmn:flowNodeRef>reminded</bpmn:flowNodeRef>",
                     "<bpmn:flowNodeRef>divide</bpmn:flowNodeRef>"
                     "<bpmn:flowNodeRef>reminded</bpmn:flowNodeRef>"))
    path = folder / "timer_boundary.bpmn"
    path.write_text(text)
    with at(NOVEMBER):
        deploy.deploy(db, [path], "tester")


def start_dividers(db: Database, counts: list[int]) -> list[ProcessInstance]:
    """One instance per count, a minute apart, so that their timers fall due in that order."""
    started = []
    for n, aantal in enumerate(counts):
        with at(NOVEMBER + timedelta(minutes=n)):
            started.append(instances.start_instance(
                db, "timer_boundary", data={"termijn": "P20D", "aantal": aantal}))
    return started


@contextmanager
def counted_commits(db: Database) -> Iterator[list[int]]:
    """How many transactions were committed while the block ran."""
    commits: list[int] = []

    def count(_connection: Any) -> None:
        commits.append(1)

    event.listen(db.engine, "commit", count)
    try:
        yield commits
    finally:
        event.remove(db.engine, "commit", count)


def kinds_of(db: Database, instance_id: int) -> list[str]:
    with db.reading() as session:
        return [e.kind for e in audit.events_of_instance(session, instance_id)]


def reminded(db: Database) -> Counter[int]:
    with db.reading() as session:
        return Counter(session.scalars(select(Notification.instance_id)
                                       .where(Notification.kind == "reminder")))


def test_an_instance_whose_script_raises_fails_alone_and_the_rest_of_its_batch_fires(
        db: Database, tmp_path: Path) -> None:
    deploy_reminder_then_divide(db, tmp_path)
    started = start_dividers(db, [2, 5, 0, 1, 4])
    broken = started[2]
    with at(NOVEMBER + timedelta(weeks=1, minutes=10)), counted_commits(db) as commits:
        assert fire_due_timers(db) == 5
    # The cycle starts' claim, the one batch, and the claim that finds nothing more.
    assert len(commits) == 3
    failed = instances.get_instance(db, broken.id)
    assert failed.status == "failed" and "division by zero" in failed.error
    assert failed.next_timer_at == broken.next_timer_at  # as before the rolled-back step
    assert kinds_of(db, broken.id) == ["instance_started", "instance_failed"]
    others = [i for i in started if i.id != broken.id]
    for instance in others:
        moved = instances.get_instance(db, instance.id)
        assert (moved.status, moved.stage, moved.error) == ("running", "Herinnerd", None)
        assert kinds_of(db, instance.id) == ["instance_started", "reminder_sent", "timer_fired"]
    # The failing step's reminder was written before its script raised: rolled back with it.
    assert reminded(db) == Counter({i.id: 1 for i in others})
    with at(NOVEMBER + timedelta(weeks=1, minutes=20)):
        assert fire_due_timers(db) == 0


def test_a_step_that_fails_in_its_save_keeps_its_stored_state_for_a_retry(
        db: Database) -> None:
    """The personal task's member does not exist: the save refuses it after the step's state
    was written; the savepoint takes that back, so a retry once the cause is fixed works."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with at(start):  # mia holds her role from that day, not from the real today
        make_user(db, "mia", "Manager ZVH")
        deploy_data(db, "timer_wait.bpmn", "timer_assignee.bpmn")
        before = instances.start_instance(db, "timer_wait")
    with at(start + timedelta(minutes=1)):
        refused = instances.start_instance(db, "timer_assignee", actor="mia")
    with at(start + timedelta(minutes=2)):
        after = instances.start_instance(db, "timer_wait")
    with at(start + timedelta(days=2)):
        assert fire_due_timers(db) == 3
        failed = instances.get_instance(db, refused.id)
        assert failed.status == "failed" and "karel is not an active user" in failed.error
        assert tasks.tasks_of_instance(db, refused.id) == []
        assert [instances.get_instance(db, i.id).status for i in (before, after)] == [
            "completed", "completed"]
        make_user(db, "karel")
        identity.assign_role(db, "karel", "Lid DVO")
        retried = retry_instance(db, refused.id, "mia")
    assert (retried.status, retried.error) == ("running", None)
    assert [t.name for t in tasks.tasks_of_instance(db, refused.id)] == ["Reageren"]


def test_a_run_fires_batch_after_batch_and_stops_at_its_limit(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timer_batches, "BATCH", 3)
    monkeypatch.setattr(timer_batches, "SQLITE_BATCH", 3)
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    deploy_data(db, "timer_wait.bpmn")
    started = []
    for n in range(8):
        with at(start + timedelta(minutes=n)):
            started.append(instances.start_instance(db, "timer_wait"))
    with at(start + timedelta(days=2)), counted_commits(db) as commits:
        assert fire_due_timers(db, limit=7) == 7
        assert len(commits) == 1 + 3  # the cycle starts' claim, batches of 3, 3 and 1
        statuses = [instances.get_instance(db, i.id).status for i in started]
        assert statuses == ["completed"] * 7 + ["waiting"]  # the earliest first
        assert fire_due_timers(db) == 1


def test_a_batch_that_runs_long_commits_and_leaves_the_rest_to_the_next(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timer_batches, "BATCH_SECONDS", -1.0)  # "too long" after each instance
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with at(start):
        deploy_data(db, "timer_wait.bpmn")
        started = [instances.start_instance(db, "timer_wait") for _ in range(4)]
    with at(start + timedelta(days=2)), counted_commits(db) as commits:
        assert fire_due_timers(db) == 4
    assert len(commits) == 1 + 4 + 1  # a commit after each instance, then the empty claim
    assert {instances.get_instance(db, i.id).status for i in started} == {"completed"}
    with db.reading() as session:
        fired = Counter(session.scalars(select(AuditEvent.instance_id)
                                        .where(AuditEvent.kind == "timer_fired")))
    assert fired == Counter({i.id: 1 for i in started})


def three_waiting(db: Database, start: datetime) -> list[ProcessInstance]:
    """Three instances of timer_wait, a minute apart, due a day later."""
    deploy_data(db, "timer_wait.bpmn")
    started = []
    for n in range(3):
        with at(start + timedelta(minutes=n)):
            started.append(instances.start_instance(db, "timer_wait"))
    return started


def bump_version(instance: ProcessInstance) -> None:
    """Another writer's change of the row, behind the ORM's back: its UPDATE finds no row."""
    table = ProcessInstance.__table__
    object_session(instance).execute(update(table).where(table.c.id == instance.id)
                                     .values(lock_version=table.c.lock_version + 1))


def conflict(instance: ProcessInstance) -> None:
    raise Conflict("someone else changed this process instance")


@pytest.mark.parametrize("taken_by", [conflict, bump_version])
def test_a_row_still_due_after_its_turn_waits_for_the_next_run_and_the_batch_goes_on(
        db: Database, monkeypatch: pytest.MonkeyPatch, taken_by: Any) -> None:
    """Another scheduler got to one instance first (a Conflict in its step, or a changed
    version when its savepoint is written): this run leaves it and ends, however often it
    would meet it again; the rest of the batch fires, and the next run fires it."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    started = three_waiting(db, start)
    taken = started[1].id
    opened = timer_batches.open_workflow

    def open_taken(instance: ProcessInstance) -> Any:
        if instance.id == taken:
            taken_by(instance)
        return opened(instance)

    monkeypatch.setattr(timer_batches, "open_workflow", open_taken)
    with at(start + timedelta(days=2)):
        assert fire_due_timers(db) == 2
        assert [instances.get_instance(db, i.id).status for i in started] == [
            "completed", "waiting", "completed"]
        monkeypatch.setattr(timer_batches, "open_workflow", opened)
        assert fire_due_timers(db) == 1
    assert kinds_of(db, taken) == ["instance_started", "timer_fired"]
    assert instances.get_instance(db, taken).status == "completed"


def test_a_database_error_rolls_the_whole_batch_back_for_the_next_run(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database itself failed (gone, deadlock): the run stops with the error and nothing
    of the batch counts as fired, so the next run fires all of it, once."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    started = three_waiting(db, start)
    opened = timer_batches.open_workflow

    def open_or_lose_the_server(instance: ProcessInstance) -> Any:
        if instance.id == started[2].id:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))
        return opened(instance)

    monkeypatch.setattr(timer_batches, "open_workflow", open_or_lose_the_server)
    with at(start + timedelta(days=2)):
        with pytest.raises(OperationalError, match="server closed"):
            fire_due_timers(db)
        assert {instances.get_instance(db, i.id).status for i in started} == {"waiting"}
        monkeypatch.setattr(timer_batches, "open_workflow", opened)
        assert fire_due_timers(db) == 3
    assert [kinds_of(db, i.id) for i in started] == [["instance_started", "timer_fired"]] * 3


def test_two_schedulers_at_once_fire_each_timer_once_and_fail_each_failure_once(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two schedulers (each with its own connections, as two processes) share 30 due timers
    in batches of 4, every fifth timer failing: nothing is fired twice, missed or failed twice."""
    monkeypatch.setattr(timer_batches, "BATCH", 4)
    monkeypatch.setattr(timer_batches, "SQLITE_BATCH", 4)
    deploy_reminder_then_divide(db, tmp_path)
    started = start_dividers(db, [0 if n % 5 == 2 else 3 for n in range(30)])
    broken = {i.id for i in started[2::5]}
    schedulers = [Database(db.url) for _ in range(2)]
    ready = threading.Barrier(2)
    fired: list[int] = []

    def run(scheduler: Database) -> None:
        ready.wait()
        fired.append(fire_due_timers(scheduler))

    try:
        with at(NOVEMBER + timedelta(weeks=1, hours=1)):
            threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
    finally:
        for scheduler in schedulers:
            scheduler.dispose()
    assert sum(fired) == 30 and len(fired) == 2
    with db.reading() as session:
        events = Counter(session.execute(
            select(AuditEvent.instance_id, AuditEvent.kind)
            .where(AuditEvent.kind.in_(("timer_fired", "instance_failed")))).all())
        statuses = dict(session.execute(select(ProcessInstance.id, ProcessInstance.status))
                        .all())
    assert events == Counter({(i.id, "instance_failed" if i.id in broken else "timer_fired"): 1
                              for i in started})
    assert {statuses[i] for i in broken} == {"failed"}
    assert {statuses[i.id] for i in started if i.id not in broken} == {"running"}
    assert reminded(db) == Counter({i.id: 1 for i in started if i.id not in broken})
