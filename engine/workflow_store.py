"""The serialized state of an instance, stored so that a step's cost does not grow with history.

SpiffWorkflow keeps every task an instance ever had. Format 2 of the state (``STATE_FORMAT``)
keeps SpiffWorkflow's own serialization in parts (``engine.state_parts``):

- ``process_instances.spec_json``: the specs of the process and what it calls, written once;
- ``process_instances.workflow_json``: the workflow's own attributes, without tasks or specs;
- ``instance_task_states``: one row per task, in the order the tasks were made.

A save serializes the tasks a step may have changed (any task not yet finished, any task
whose state changed, and the children of those, whose data is kept as a change against their
parent's), rewrites the rows that differ, adds the new ones and deletes the ones SpiffWorkflow
dropped. The
finished history no step needs is archived (``engine.workflow_history``). With the workflow
kept per process between steps (``engine.workflow_cache``) a step reads nothing of the
history either.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import bindparam, delete, event, false, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction, object_session

from . import workflow_cache, workflow_history
from .errors import Conflict
from .models import ProcessInstance, StoredTask
from .spiff import SERIALIZER, current_script_engine, has_event_subprocess
from .state_parts import (
    Row,
    attributes_of,
    encoding,
    join_parts,
    specs_of,
    subprocess_attributes,
    task_body,
    workflows_of,
)
from .workflow_cache import Entry, Stored

STATE_FORMAT = 2
# A step's loaded workflows by instance id, and the cache entries to make once it commits.
_LOADED = "govflow_loaded_workflows"
_PUTS = "govflow_cache_puts"
_CHECKS = "govflow_state_checks"
_READ_AHEAD = "govflow_rows_read_ahead"
_STATE_ROWS = "_govflow_state_rows"  # on an instance read with its state (read_state)
# Tests set this: every save checks that the stored state equals a whole serialization.
VERIFY = False


def open_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    """The instance's workflow, to run a step on and then ``store_workflow``: the cached one
    when it is current, else its live tasks read from the database."""
    session = _session_of(instance)
    entry = workflow_cache.take(instance.id, instance.state_token)
    if entry is None:
        rows = session.info.get(_READ_AHEAD, {}).pop(instance.id, None)
        if rows is None:
            rows = _rows(session, instance.id, live=True)
        entry = _restore(instance, rows, history=False)
    entry.workflow.script_engine = current_script_engine()
    session.info.setdefault(_LOADED, {})[instance.id] = entry.stored
    return entry.workflow


def read_ahead(session: Session, instances: list[ProcessInstance]) -> None:
    """Read the live tasks of the instances a command is about to step (a timer batch) that
    this process does not hold, in one query instead of one each."""
    wanted = [i.id for i in instances if not workflow_cache.holds(i.id, i.state_token)]
    if not wanted:
        return
    ahead: dict[int, list[Row]] = {instance_id: [] for instance_id in wanted}
    for instance_id, *row in session.execute(
            select(StoredTask.instance_id, StoredTask.task_id, StoredTask.workflow,
                   StoredTask.body)
            .where(StoredTask.instance_id.in_(wanted), StoredTask.archived == false())
            .order_by(StoredTask.instance_id, StoredTask.position)):
        ahead[instance_id].append(tuple(row))  # type: ignore[arg-type]
    session.info.setdefault(_READ_AHEAD, {}).update(ahead)


def read_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    """The instance's workflow with its whole history (archived tasks too), to look at, not
    to run. A detached instance needs its state read with it (``read_state``)."""
    rows = getattr(instance, _STATE_ROWS, None)
    if rows is None:
        session = object_session(instance)
        if session is None:
            raise RuntimeError(f"instance {instance.id} was read without its state: read it "
                               "with engine.instances.get_instance to see its workflow")
        rows = _consistent_rows(session, instance)
    workflow = _restore(instance, rows, history=True).workflow
    workflow.script_engine = current_script_engine()
    return workflow


def read_state(session: Session, instance: ProcessInstance) -> None:
    """Read the instance's whole state with it, to see its workflow after the session."""
    setattr(instance, _STATE_ROWS, _consistent_rows(session, instance))


def _consistent_rows(session: Session, instance: ProcessInstance) -> list[Row]:
    """All the task rows of the state the instance row holds. Outside a step nothing is
    locked: a step that commits between the reads shows in the token, and they are read
    again."""
    for _attempt in range(5):
        rows = _rows(session, instance.id, live=False)
        token = session.scalar(select(ProcessInstance.state_token)
                               .where(ProcessInstance.id == instance.id))
        if token == instance.state_token:
            return rows
        session.refresh(instance, ["workflow_json", "spec_json", "state_token"])
    raise Conflict(f"instance {instance.id} changed while it was read; try again")


def store_workflow(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """Write what the step changed of the workflow's state, in the step's transaction.

    The instance must have its id (a new one is flushed first)."""
    session = _session_of(instance)
    stored = session.info.get(_LOADED, {}).pop(instance.id, None) or Stored()
    # Written once (asking spec_json would read the state's columns again), but at every save
    # of a process whose spec changes as it runs.
    if not stored.has_specs or has_event_subprocess(workflow.spec):
        instance.spec_json = specs_of(workflow)
        stored.has_specs = True
    changed, added, gone = _changed_tasks(workflow, stored)
    _write_rows(session, instance.id, changed, added, gone)
    _archive_history(session, instance.id, workflow, stored)
    instance.workflow_json = attributes_of(workflow, stored.archived_subprocesses,
                                           stored.next_position)
    instance.state_format = STATE_FORMAT
    instance.state_token = token = uuid4().hex
    # Kept with the (sub)transaction of the save: a savepoint rolled back takes them along.
    within = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PUTS, []).append((within, instance.id, token,
                                               Entry(workflow, stored)))
    if VERIFY:
        session.info.setdefault(_CHECKS, {})[instance.id] = (within, instance, workflow)


def _session_of(instance: ProcessInstance) -> Session:
    session = object_session(instance)
    if session is None:
        raise RuntimeError(f"instance {instance.id} must belong to the step's session")
    return session


def _rows(session: Session, instance_id: int, *, live: bool) -> list[Row]:
    query = (select(StoredTask.task_id, StoredTask.workflow, StoredTask.body)
             .where(StoredTask.instance_id == instance_id).order_by(StoredTask.position))
    if live:
        query = query.where(StoredTask.archived == false())
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def _restore(instance: ProcessInstance, rows: list[Row], *, history: bool) -> Entry:
    whole, archived, next_position, version = join_parts(
        instance.workflow_json, instance.spec_json, rows, history=history)
    workflow = SERIALIZER.from_dict(whole)
    stored = Stored(next_position=next_position, archived_subprocesses=archived,
                    has_specs=True)
    if version != SERIALIZER.VERSION:  # migrated on loading: every part is written anew
        stored.has_specs = False
        stored.tasks = dict.fromkeys((task.id for _o, sub in workflows_of(workflow)
                                      for task in sub.tasks.values()), "")
        return Entry(workflow, stored)
    bodies = {task_id: body for task_id, _owner, body in rows}
    for _owner, sub in workflows_of(workflow):
        stored.tasks.update({task.id: bodies[str(task.id)] for task in sub.tasks.values()})
    return Entry(workflow, stored)


def _changed_tasks(workflow: BpmnWorkflow, stored: Stored
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Rows to rewrite, rows to add and ids of tasks gone; ``stored`` is brought up to date
    on the way.

    Every live task is serialized and compared with its row: a finished task changes too (it
    gains a child when an event sub-process starts; SpiffWorkflow's data copies are shallow,
    so a later task's change of a nested value is its ancestors' too), and a task's data is
    kept as a change against its parent's. The live tree is kept small (workflow_history)."""
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    present: set[UUID] = set()
    with encoding():
        for owner, sub in workflows_of(workflow):
            for task in sub.tasks.values():  # the order they were made in: parents first
                present.add(task.id)
                seen = stored.tasks.get(task.id)
                body = task_body(task)
                stored.tasks[task.id] = body
                if seen == body:
                    continue
                row = {"t": str(task.id), "b": body}
                if seen is None:
                    row.update(p=stored.next_position, w=owner)
                    stored.next_position += 1
                    added.append(row)
                else:
                    changed.append(row)
    gone = stored.tasks.keys() - present
    for task_id in gone:
        del stored.tasks[task_id]
    return changed, added, [str(task_id) for task_id in gone]


def _write_rows(session: Session, instance_id: int, changed: list[dict[str, Any]],
                added: list[dict[str, Any]], gone: list[str]) -> None:
    table = StoredTask.__table__
    if changed:
        session.execute(
            update(table).where(table.c.instance_id == instance_id,
                                table.c.task_id == bindparam("t"))
            .values(body=bindparam("b")), changed)
    if added:
        session.execute(insert(table).values(
            instance_id=instance_id, task_id=bindparam("t"), position=bindparam("p"),
            workflow=bindparam("w"), body=bindparam("b"), archived=False), added)
    if gone:
        session.execute(delete(table).where(table.c.instance_id == instance_id,
                                            table.c.task_id.in_(gone)))


def _archive_history(session: Session, instance_id: int, workflow: BpmnWorkflow,
                     stored: Stored) -> None:
    """Mark the finished history taken out of the workflow archived (its rows were written
    above), and rewrite the new root, which now has no parent."""
    limit = 0 if VERIFY else workflow_history.PRUNE_ABOVE  # tests prune at every step
    out, subprocesses, root = workflow_history.prune_history(workflow, limit)
    if root is None:
        return
    for task in out:
        stored.tasks.pop(task.id, None)
    stored.archived_subprocesses.update(
        {task_id: subprocess_attributes(sub) for task_id, sub in subprocesses.items()})
    table = StoredTask.__table__
    ids = [str(task.id) for task in out]
    for start in range(0, len(ids), 500):  # bound the statement's parameters
        session.execute(update(table).where(table.c.instance_id == instance_id,
                                            table.c.task_id.in_(ids[start:start + 500]))
                        .values(archived=True))
    with encoding():
        body = task_body(root)
    stored.tasks[root.id] = body
    session.execute(update(table).where(table.c.instance_id == instance_id,
                                        table.c.task_id == str(root.id)).values(body=body))


def _verify(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """The live parts, read back, are SpiffWorkflow's own serialization of the workflow."""
    expected = _without_orphans(json.loads(SERIALIZER.serialize_json(workflow)))
    rows = _rows(_session_of(instance), instance.id, live=True)
    actual = json.loads(SERIALIZER.serialize_json(
        _restore(instance, rows, history=False).workflow))
    if expected != actual:
        differ = sorted(key for key in expected.keys() | actual.keys()
                        if expected.get(key) != actual.get(key))
        raise AssertionError(f"the stored state of instance {instance.id} differs from "
                             f"its workflow in {differ}")


def _without_orphans(whole: dict[str, Any]) -> dict[str, Any]:
    """SpiffWorkflow's serialization without the sub-processes whose task is gone (a
    cancelled workflow keeps them; SpiffWorkflow's own loading leaves them out too)."""
    reachable = set(whole["tasks"])
    kept: dict[str, Any] = {}
    while True:
        more = {key: sub for key, sub in whole["subprocesses"].items()
                if key in reachable and key not in kept}
        if not more:
            break
        kept.update(more)
        for sub in more.values():
            reachable |= set(sub["tasks"])
    whole["subprocesses"] = kept
    return whole


@event.listens_for(Session, "before_commit")
def _verify_stored(session: Session) -> None:
    checks = session.info.pop(_CHECKS, {})
    if checks:
        session.flush()  # as the commit would
        for _within, instance, workflow in checks.values():
            _verify(instance, workflow)


@event.listens_for(Session, "after_commit")
def _cache_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: its saves wait for the transaction's own commit
    for _within, instance_id, token, entry in session.info.pop(_PUTS, ()):
        workflow_cache.put(instance_id, token, entry)
    session.info.pop(_LOADED, None)
    session.info.pop(_READ_AHEAD, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """What the rolled-back (sub)transaction saved is not to be cached or checked; a savepoint
    rolled back leaves the saves of the rest of its transaction as they were."""
    def undone(within: SessionTransaction | None) -> bool:
        while within is not None:
            if within is previous:
                return True
            within = within.parent
        return False

    info = session.info
    info[_PUTS] = [put for put in info.get(_PUTS, ()) if not undone(put[0])]
    info[_CHECKS] = {key: check for key, check in info.get(_CHECKS, {}).items()
                     if not undone(check[0])}
    if previous.parent is None:
        for key in (_PUTS, _LOADED, _CHECKS, _READ_AHEAD):
            info.pop(key, None)
