"""The state of an instance stored in parts: a step writes only what it changed, a process
keeps its workflows between steps, and both stay correct across processes and restarts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from alembic import command
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, func, select

from engine import instances, schema, tasks, workflow_cache, workflow_history, workflow_store
from engine.db import Database
from engine.models import ProcessInstance, StoredTask
from engine.runtime import save
from engine.spiff import SERIALIZER, load_workflow
from engine.workflow_data import current_data
from engine.workflow_store import open_workflow, read_workflow

from ..conftest import deploy_data, make_user

MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DRAFT = {"basistaken": 1000, "plustaken": 250, "toelichting": "Zoals vorig jaar."}


@pytest.fixture
def loop(db: Database) -> Iterator[Database]:
    with time_machine.travel(MONDAY, tick=False):
        make_user(db, "mia", "Manager ZVH")
        make_user(db, "piet", "Portefeuillehouder ZVH")
        deploy_data(db, "two_lanes.bpmn")
        yield db


def go_round(db: Database, instance_id: int, turns: int) -> None:
    """Draft, then a review that sends it back, ``turns`` times (two_lanes' revise loop)."""
    for _ in range(turns):
        for username, data in (("mia", DRAFT), ("piet", {"akkoord": False})):
            (task,) = [t for t in tasks.tasks_of_instance(db, instance_id) if t.state == "open"]
            tasks.complete_task(db, task.id, username, dict(data))


@contextmanager
def statements(db: Database) -> Iterator[list[tuple[str, object]]]:
    seen: list[tuple[str, object]] = []

    def note(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def task_rows_written(seen: list[tuple[str, object]]) -> int:
    """How many rows of instance_task_states the statements insert or update."""
    count = 0
    for statement, parameters in seen:
        if "instance_task_states" in statement and statement.lstrip()[:6] in ("INSERT",
                                                                             "UPDATE"):
            count += len(parameters) if isinstance(parameters, list) else 1
    return count


def test_a_step_writes_as_many_task_rows_late_in_its_history_as_early(
        loop: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workflow_store, "VERIFY", False)  # its own reads and writes
    instance = instances.start_instance(loop, "two_lanes", actor="mia")
    go_round(loop, instance.id, 2)
    with statements(loop) as early:
        go_round(loop, instance.id, 1)
    go_round(loop, instance.id, 25)
    with statements(loop) as late:
        go_round(loop, instance.id, 1)
    with loop.reading() as session:
        stored = session.scalar(select(StoredTask.position).where(
            StoredTask.instance_id == instance.id).order_by(StoredTask.position.desc()))
    assert stored > 100  # the history is long ...
    assert task_rows_written(late) == task_rows_written(early) > 0  # ... and not rewritten


def test_the_next_step_reads_no_history_and_a_restart_reads_it_back(
        loop: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workflow_store, "VERIFY", False)
    instance = instances.start_instance(loop, "two_lanes", actor="mia")
    go_round(loop, instance.id, 3)
    with statements(loop) as cached:
        go_round(loop, instance.id, 1)
    assert not [s for s, _ in cached if s.startswith("SELECT") and "instance_task_states" in s]
    workflow_cache.clear()  # a restart
    with statements(loop) as restarted:
        go_round(loop, instance.id, 1)
    assert [s for s, _ in restarted if s.startswith("SELECT") and "instance_task_states" in s]
    (review,) = [t for t in tasks.tasks_of_instance(loop, instance.id) if t.state == "open"]
    assert review.name == "Begroting opstellen"
    assert len([t for t in tasks.tasks_of_instance(loop, instance.id)
                if t.state == "completed"]) == 10


def test_a_state_changed_by_another_process_is_read_again(loop: Database) -> None:
    """What this process keeps is used only while its token is the stored one."""
    instance = instances.start_instance(loop, "two_lanes", actor="mia")
    go_round(loop, instance.id, 1)
    kept = dict(workflow_cache._entries)
    go_round(loop, instance.id, 1)  # as if another process had taken this step ...
    workflow_cache.clear()
    workflow_cache._entries.update(kept)  # ... while this one kept the older workflow
    go_round(loop, instance.id, 1)
    with loop.reading() as session:
        done = session.scalars(select(StoredTask.body).where(
            StoredTask.instance_id == instance.id)).all()
    assert sum('"task_spec": "draft"' in body and '"state": 64' in body for body in done) == 3


def test_the_stored_parts_join_into_spiffworkflows_own_state(loop: Database) -> None:
    instance = instances.start_instance(loop, "two_lanes", actor="mia")
    go_round(loop, instance.id, 2)
    workflow = read_workflow(instances.get_instance(loop, instance.id))
    again = load_workflow(SERIALIZER.serialize_json(workflow))
    assert json.loads(SERIALIZER.serialize_json(again)) == json.loads(
        SERIALIZER.serialize_json(workflow))
    assert [t.task_spec.bpmn_name for t in workflow.get_tasks(state=TaskState.READY)] == [
        "Begroting opstellen"]


def test_the_state_format_migrates_down_to_one_piece_and_back(tmp_path: Path) -> None:
    """Migration 0016 splits SpiffWorkflow's own state into parts, and joins it back."""
    db = Database(f"sqlite:///{tmp_path / 'state.sqlite3'}")
    schema.upgrade(db)
    with time_machine.travel(MONDAY, tick=False):
        from engine.roles import ensure_roles
        from workflows.catalogue import ROLES
        with db.transaction() as session:
            ensure_roles(session, ROLES)
        make_user(db, "mia", "Manager ZVH")
        make_user(db, "piet", "Portefeuillehouder ZVH")
        deploy_data(db, "two_lanes.bpmn")
        instance = instances.start_instance(db, "two_lanes", actor="mia")
        go_round(db, instance.id, 2)
    before = read_workflow(instances.get_instance(db, instance.id))
    config = schema._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")
        (state_format, whole), = connection.exec_driver_sql(
            "SELECT state_format, workflow_json FROM process_instances").all()
    assert state_format == 1
    one_piece = load_workflow(whole)  # the workflow a step runs, without archived history
    assert current_data(one_piece) == current_data(before)
    assert [t.task_spec.name for t in one_piece.get_tasks(state=TaskState.READY)] == ["draft"]
    workflow_cache.clear()
    schema.upgrade(db)
    with time_machine.travel(MONDAY, tick=False):
        go_round(db, instance.id, 1)
    with db.reading() as session:
        assert session.get(ProcessInstance, instance.id).state_format == 2
    assert len([t for t in tasks.tasks_of_instance(db, instance.id)
                if t.state == "completed"]) == 6
    db.dispose()


def test_finished_history_leaves_the_workflow_a_step_runs_and_stays_on_record(
        loop: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long revise loop: a step loads a tree of bounded size, the record keeps every turn."""
    monkeypatch.setattr(workflow_store, "VERIFY", False)  # prune as in production
    instance = instances.start_instance(loop, "two_lanes", actor="mia")
    go_round(loop, instance.id, 60)
    with loop.reading() as session:
        archived = dict(session.execute(
            select(StoredTask.archived, func.count()).where(
                StoredTask.instance_id == instance.id).group_by(StoredTask.archived)).all())
    assert archived[False] <= workflow_history.PRUNE_ABOVE and archived[True] > 100
    whole = read_workflow(instances.get_instance(loop, instance.id))
    drafts = [t for t in whole.get_tasks(state=TaskState.COMPLETED)
              if t.task_spec.name == "draft"]
    assert len(drafts) == 60
    assert current_data(whole)["akkoord"] is False
    workflow_cache.clear()  # a restart: the step reads only the live rows, and goes on
    go_round(loop, instance.id, 1)
    (task,) = [t for t in tasks.tasks_of_instance(loop, instance.id) if t.state == "open"]
    tasks.complete_task(loop, task.id, "mia", dict(DRAFT))
    (review,) = [t for t in tasks.tasks_of_instance(loop, instance.id) if t.state == "open"]
    tasks.complete_task(loop, review.id, "piet", {"akkoord": True})
    assert instances.get_instance(loop, instance.id).status == "completed"


def test_a_savepoint_rolled_back_takes_only_its_own_saves_along(loop: Database) -> None:
    """A timer batch: the instance whose savepoint failed is not cached, the others are."""
    kept, undone = (instances.start_instance(loop, "two_lanes", actor="mia") for _ in "ab")
    with loop.transaction() as session:
        for instance_id, fails in ((kept.id, False), (undone.id, True)):
            try:
                with session.begin_nested():
                    instance = instances.lock_instance(session, instance_id)
                    save(session, instance, open_workflow(instance), [])
                    if fails:
                        raise RuntimeError("the step failed")
            except RuntimeError:
                pass
    with loop.reading() as session:
        tokens = {i: session.get(ProcessInstance, i).state_token for i in (kept.id, undone.id)}
    assert workflow_cache.take(kept.id, tokens[kept.id]) is not None
    assert workflow_cache.take(undone.id, tokens[undone.id]) is None  # read again next time


def test_the_instances_of_one_version_share_their_restored_spec(loop: Database) -> None:
    first, second = (instances.start_instance(loop, "two_lanes", actor="mia") for _ in "ab")
    workflow_cache.clear()
    one, other = (read_workflow(instances.get_instance(loop, i.id)) for i in (first, second))
    assert one.spec is other.spec and one.spec.name == "two_lanes"
    assert one is not other and one.task_tree.id != other.task_tree.id
