"""SpiffWorkflow's serialization of a workflow, in the parts ``workflow_store`` keeps apart:
the specs, the workflow's own attributes, and each task.

Joined, the parts are SpiffWorkflow's own dictionary, so that its serializer and its version
migrations restore them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

from .restored_specs import spec_references
from .spiff import SERIALIZER

TOP = ""  # the ``workflow`` of the instance's own tasks; a sub-process's is its task's id
# In the attributes: the finished sub-processes taken out with the history (workflow_history).
ARCHIVED = "archived_subprocesses"
NEXT_POSITION = "next_position"  # of the next task row
Row = tuple[str, str, str]  # task id, workflow, body


@contextmanager
def encoding() -> Iterator[None]:
    """SpiffWorkflow's registry in the mode its JSON encoder expects (as ``serialize_json``)."""
    SERIALIZER.registry._encoder_mode = True
    try:
        yield
    finally:
        SERIALIZER.registry._encoder_mode = False


def dumps(value: Any) -> str:
    return json.dumps(value, cls=SERIALIZER._encoder_cls)


def task_body(task: Any) -> str:
    """One task as SpiffWorkflow serializes it (within ``encoding``)."""
    return dumps(SERIALIZER.registry.convert(task))


def workflows_of(workflow: BpmnWorkflow) -> Iterator[tuple[str, Any]]:
    yield TOP, workflow
    for task_id, subprocess in workflow.subprocesses.items():
        yield str(task_id), subprocess


def specs_of(workflow: BpmnWorkflow) -> str:
    with encoding():
        return dumps({"spec": SERIALIZER.registry.convert(workflow.spec),
                      "subprocess_specs": {name: SERIALIZER.registry.convert(spec)
                                           for name, spec in workflow.subprocess_specs.items()}})


def attributes_of(workflow: BpmnWorkflow, archived: dict[str, Any], next_position: int) -> str:
    """The workflow's serialization without its tasks and specs (and the finished
    sub-processes archived with the history): those are kept out of the converter's reach
    for the moment; it passes None through unchanged."""
    held = [(sub, sub.tasks) for _owner, sub in workflows_of(workflow)]
    spec, subprocess_specs = workflow.spec, workflow.subprocess_specs
    try:
        for sub, _tasks in held:
            sub.tasks = {}
        workflow.spec, workflow.subprocess_specs = None, {}
        with encoding():
            attributes = SERIALIZER.registry.convert(workflow)
            text = dumps({**_without_tasks(attributes), ARCHIVED: archived,
                          NEXT_POSITION: next_position,
                          SERIALIZER.VERSION_KEY: SERIALIZER.VERSION})
    finally:
        workflow.spec, workflow.subprocess_specs = spec, subprocess_specs
        for sub, tasks in held:
            sub.tasks = tasks
    return text


def subprocess_attributes(subprocess: Any) -> dict[str, Any]:
    """A sub-process's serialization without its tasks (to archive it)."""
    tasks, subprocess.tasks = subprocess.tasks, {}
    try:
        with encoding():
            return json.loads(dumps(SERIALIZER.registry.convert(subprocess)))
    finally:
        subprocess.tasks = tasks


def _without_tasks(attributes: dict[str, Any]) -> dict[str, Any]:
    del attributes["spec"], attributes["subprocess_specs"], attributes["tasks"]
    for sub in attributes["subprocesses"].values():
        del sub["tasks"]
    return attributes


def join_parts(attributes: str, specs: str | None, rows: list[Row], *,
               history: bool) -> tuple[dict[str, Any], dict[str, Any], int, str | None]:
    """SpiffWorkflow's dictionary of the workflow, its archived sub-processes, the position of
    the next task row and the serializer version it was stored in. With ``history`` the rows
    include the archived ones, and the tree is whole from its first task."""
    whole = json.loads(attributes)
    if whole.get(SERIALIZER.VERSION_KEY) == SERIALIZER.VERSION:
        whole.update(spec_references(specs))
    else:  # SpiffWorkflow's migrations of an older state may change its specs too
        whole.update(json.loads(specs or "{}"))
    archived = whole.pop(ARCHIVED, {})
    next_position = whole.pop(NEXT_POSITION, len(rows))
    if history:
        whole["subprocesses"].update(archived)
        whole["root"] = next(task_id for task_id, owner, _body in rows if owner == TOP)
    tasks: dict[str, dict[str, Any]] = {owner: {} for owner in whole["subprocesses"]}
    tasks[TOP] = {}
    for task_id, owner, body in rows:
        tasks[owner][task_id] = json.loads(body)
    whole["tasks"] = tasks[TOP]
    for owner, sub in whole["subprocesses"].items():
        sub["tasks"] = tasks[owner]
    version = whole.get(SERIALIZER.VERSION_KEY)
    SERIALIZER.migrate(whole)
    return whole, archived, next_position, version
