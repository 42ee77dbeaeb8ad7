"""The serialized state of an instance, stored so that a step's cost does not grow with history.

SpiffWorkflow keeps every task an instance ever had. Format 2 of the state (``STATE_FORMAT``)
splits SpiffWorkflow's own serialization into three parts:

- ``process_instances.spec_json``: the specs of the process and what it calls, written once;
- ``process_instances.workflow_json``: the workflow's own attributes, without tasks or specs;
- ``instance_task_states``: one row per task, in the order the tasks were made.

A save rewrites the rows of the tasks the step changed (any task not yet finished, any task
whose state changed, and the children of a rewritten task, whose data is kept as a change
against their parent's), adds the new ones and deletes the ones SpiffWorkflow dropped. With
the deserialized workflow kept per process (``workflow_cache``) a step reads nothing of the
history either. Loading joins the parts back into SpiffWorkflow's own dictionary, so its
serializer and its version migrations do the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, delete, event, insert, select, update
from sqlalchemy.orm import Session, object_session

from . import workflow_cache
from .models import ProcessInstance, StoredTask
from .spiff import SERIALIZER, current_script_engine
from .workflow_cache import Entry, Stored

STATE_FORMAT = 2
TOP = ""  # the ``workflow`` of the instance's own tasks
# A step's loaded workflows by instance id, and the cache entries to make once it commits.
_LOADED = "govflow_loaded_workflows"
_PUTS = "govflow_cache_puts"
_CHECKS = "govflow_state_checks"
# Tests set this: every save checks that the stored state equals a whole serialization.
VERIFY = False


def open_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    """The instance's workflow, to run a step on and then ``store_workflow``: the cached one
    when it is current, else read from the database."""
    session = _session_of(instance)
    entry = workflow_cache.take(instance.id, instance.state_token)
    if entry is None:
        rows = session.execute(
            select(StoredTask.task_id, StoredTask.workflow, StoredTask.position,
                   StoredTask.body)
            .where(StoredTask.instance_id == instance.id)
            .order_by(StoredTask.position)).all()
        entry = _restore(instance, rows)
    entry.workflow.script_engine = current_script_engine()
    session.info.setdefault(_LOADED, {})[instance.id] = entry.stored
    return entry.workflow


def read_workflow(instance: ProcessInstance) -> BpmnWorkflow:
    """The instance's workflow to look at, not to change; read from the database. A detached
    instance needs its ``stored_tasks`` loaded (``engine.instances.require_instance``)."""
    session = object_session(instance)
    if session is None and "stored_tasks" not in instance.__dict__:
        raise RuntimeError(f"instance {instance.id} was read without its state: read it with "
                           "engine.instances.get_instance to see its workflow")
    if session is None or "stored_tasks" in instance.__dict__:
        rows = [(t.task_id, t.workflow, t.position, t.body) for t in instance.stored_tasks]
    else:
        rows = session.execute(
            select(StoredTask.task_id, StoredTask.workflow, StoredTask.position,
                   StoredTask.body)
            .where(StoredTask.instance_id == instance.id)
            .order_by(StoredTask.position)).all()
    workflow = _restore(instance, rows).workflow
    workflow.script_engine = current_script_engine()
    return workflow


def store_workflow(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """Write what the step changed of the workflow's state, in the step's transaction.

    The instance must have its id (a new one is flushed first)."""
    session = _session_of(instance)
    stored = session.info.get(_LOADED, {}).pop(instance.id, None) or Stored()
    if instance.spec_json is None:
        instance.spec_json = _dumps(_specs(workflow))
    changed, added, gone = _changed_tasks(workflow, stored)
    _write_rows(session, instance.id, changed, added, gone)
    instance.workflow_json = _dumps(_attributes(workflow))
    instance.state_format = STATE_FORMAT
    instance.state_token = token = uuid4().hex
    session.info.setdefault(_PUTS, []).append((instance.id, token, Entry(workflow, stored)))
    if VERIFY:
        session.info.setdefault(_CHECKS, {})[instance.id] = (instance, workflow)


def _session_of(instance: ProcessInstance) -> Session:
    session = object_session(instance)
    if session is None:
        raise RuntimeError(f"instance {instance.id} must belong to the step's session")
    return session


def _workflows(workflow: BpmnWorkflow) -> Iterator[tuple[str, Any]]:
    yield TOP, workflow
    for task_id, subprocess in workflow.subprocesses.items():
        yield str(task_id), subprocess


def _changed_tasks(workflow: BpmnWorkflow, stored: Stored
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Rows to rewrite, rows to add and ids of tasks gone; ``stored`` is brought up to date
    on the way."""
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    rewritten: set[UUID] = set()
    present: set[UUID] = set()
    with _encoding():
        for owner, sub in _workflows(workflow):
            for task in sub.tasks.values():  # the order they were made in: parents first
                present.add(task.id)
                seen = stored.tasks.get(task.id)
                now = (task.state, task.last_state_change)
                if (seen == now and task.state & TaskState.FINISHED_MASK
                        and task._parent not in rewritten):
                    continue
                rewritten.add(task.id)
                row = {"t": str(task.id), "b": json.dumps(
                    SERIALIZER.registry.convert(task), cls=SERIALIZER._encoder_cls)}
                if seen is None:
                    row.update(p=stored.next_position, w=owner)
                    stored.next_position += 1
                    added.append(row)
                else:
                    changed.append(row)
                stored.tasks[task.id] = now
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
            workflow=bindparam("w"), body=bindparam("b")), added)
    if gone:
        session.execute(delete(table).where(table.c.instance_id == instance_id,
                                            table.c.task_id.in_(gone)))


class _encoding:
    """SpiffWorkflow's registry in the mode its JSON encoder expects (as ``serialize_json``)."""

    def __enter__(self) -> None:
        SERIALIZER.registry._encoder_mode = True

    def __exit__(self, *_exc: object) -> None:
        SERIALIZER.registry._encoder_mode = False


def _specs(workflow: BpmnWorkflow) -> dict[str, Any]:
    with _encoding():
        return {"spec": SERIALIZER.registry.convert(workflow.spec),
                "subprocess_specs": {name: SERIALIZER.registry.convert(spec)
                                     for name, spec in workflow.subprocess_specs.items()}}


def _attributes(workflow: BpmnWorkflow) -> dict[str, Any]:
    """SpiffWorkflow's serialization of the workflow without its tasks and specs: those are
    left out of the converter's reach for the moment (it passes None through unchanged)."""
    held = [(sub, sub.tasks) for _owner, sub in _workflows(workflow)]
    spec, subprocess_specs = workflow.spec, workflow.subprocess_specs
    try:
        for sub, _tasks in held:
            sub.tasks = {}
        workflow.spec, workflow.subprocess_specs = None, {}
        with _encoding():
            attributes = SERIALIZER.registry.convert(workflow)
    finally:
        workflow.spec, workflow.subprocess_specs = spec, subprocess_specs
        for sub, tasks in held:
            sub.tasks = tasks
    del attributes["spec"], attributes["subprocess_specs"], attributes["tasks"]
    for sub in attributes["subprocesses"].values():
        del sub["tasks"]
    attributes[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
    return attributes


def _dumps(value: dict[str, Any]) -> str:
    with _encoding():
        return json.dumps(value, cls=SERIALIZER._encoder_cls)


def _restore(instance: ProcessInstance, rows: Any) -> Entry:
    """The workflow from its three parts (``rows``: task id, workflow, position, body)."""
    whole = json.loads(instance.workflow_json)
    whole.update(json.loads(instance.spec_json or "{}"))
    tasks: dict[str, dict[str, Any]] = {TOP: {}}
    tasks.update({owner: {} for owner in whole["subprocesses"]})
    stored = Stored()
    for task_id, owner, position, body in rows:
        tasks[owner][task_id] = json.loads(body)
        stored.next_position = max(stored.next_position, position + 1)
    whole["tasks"] = tasks[TOP]
    for owner, sub in whole["subprocesses"].items():
        sub["tasks"] = tasks[owner]
    SERIALIZER.migrate(whole)
    workflow = SERIALIZER.from_dict(whole)
    for _owner, sub in _workflows(workflow):
        stored.tasks.update({task.id: (task.state, task.last_state_change)
                             for task in sub.tasks.values()})
    return Entry(workflow, stored)


def _verify(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """The stored parts, read back, are what SpiffWorkflow's own serialization reads back."""
    whole = SERIALIZER.serialize_json(workflow)
    expected = json.loads(SERIALIZER.serialize_json(SERIALIZER.deserialize_json(whole)))
    actual = json.loads(SERIALIZER.serialize_json(read_workflow(instance)))
    if expected != actual:
        differ = sorted(key for key in expected.keys() | actual.keys()
                        if expected.get(key) != actual.get(key))
        raise AssertionError(f"the stored state of instance {instance.id} differs from "
                             f"its workflow in {differ}")


@event.listens_for(Session, "before_commit")
def _verify_stored(session: Session) -> None:
    checks = session.info.pop(_CHECKS, {})
    if checks:
        session.flush()  # as the commit would
        for instance, workflow in checks.values():
            _verify(instance, workflow)


@event.listens_for(Session, "after_commit")
def _cache_committed(session: Session) -> None:
    for instance_id, token, entry in session.info.pop(_PUTS, ()):
        workflow_cache.put(instance_id, token, entry)
    session.info.pop(_LOADED, None)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    for key in (_PUTS, _LOADED, _CHECKS):
        session.info.pop(key, None)
