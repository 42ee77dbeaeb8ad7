"""The path an instance actually took, per element of its diagram: how often each element ran
(a loop, the members of a multi-instance vote) and in which state the liveliest run stands.

Read from SpiffWorkflow's task tree, which keeps every task ever created: not only the latest
task per element, so loops and parallel branches show whole. Shared by the test run of a draft
and the managers' instance page; it reads one workflow, which the caller has opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.util.task import TaskState

from .sandbox import owning_process

DONE, ACTIVE, WAITING, CANCELLED = "done", "active", "waiting", "cancelled"
# An element run more than once shows its liveliest run.
_RANK = {CANCELLED: 0, DONE: 1, WAITING: 2, ACTIVE: 3}


@dataclass
class ElementRun:
    """One element on the path: its liveliest state, how many runs, a waiting timer's due."""

    name: str | None  # None: the element has no name (a gateway that only joins)
    state: str
    count: int = 0
    timer_due: datetime | None = None


def path_of(workflow: BpmnWorkflow, key: str) -> dict[str, ElementRun]:
    """Per element of process ``key`` (and of its embedded sub-processes) that ran or runs."""
    path: dict[str, ElementRun] = {}
    holders: list[Any] = []
    for task in workflow.get_tasks():
        element = task.task_spec.bpmn_id
        if element is None or owning_process(task) != key:
            continue  # SpiffWorkflow's own joins, and the elements of called processes
        if isinstance(task.task_spec, MultiInstanceTask):
            holders.append(task)  # its instances are counted, not the task that holds them
            continue
        _note(path, element, task)
    for task in holders:  # an empty collection: the holder is all there is of it
        if task.task_spec.bpmn_id not in path:
            _note(path, task.task_spec.bpmn_id, task)
    return path


def _note(path: dict[str, ElementRun], element: str, task: Any) -> None:
    state = run_state(task)
    if state is None:
        return
    run = path.get(element)
    if run is None:
        run = path[element] = ElementRun(task.task_spec.bpmn_name, state)
    elif _RANK[state] > _RANK[run.state]:
        run.state = state
    if state != CANCELLED or run.state == CANCELLED:
        run.count += 1
    if state == WAITING:
        due = _timer_due(task)
        if due is not None and (run.timer_due is None or due < run.timer_due):
            run.timer_due = due


def run_state(task: Any) -> str | None:
    """done, active (a person or a sub-process), waiting (a timer), cancelled (reached, then
    stopped), or None: predicted only, or a boundary event that never fired."""
    if task.state == TaskState.COMPLETED:
        return DONE
    if task.state in (TaskState.READY, TaskState.STARTED):
        return ACTIVE
    if task.state == TaskState.WAITING:
        return WAITING if _is_timer(task) else ACTIVE
    if task.state == TaskState.CANCELLED and _was_reached(task):
        return CANCELLED
    return None


def _was_reached(task: Any) -> bool:
    # A task whose parent completed had become ready; predicted branches had not. A boundary
    # event is cancelled whenever its task ends without it, and the start events not taken
    # when another one started the instance: neither is a stop.
    parent = task.parent
    return (parent is not None and parent.state == TaskState.COMPLETED
            and not isinstance(task.task_spec, BoundaryEvent | StartEvent))


def _is_timer(task: Any) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


def _timer_due(task: Any) -> datetime | None:
    if not _is_timer(task):
        return None
    value = task._get_internal_data("event_value")
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
