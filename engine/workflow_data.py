"""The data of a workflow as its last completed task left it (what a person would call the
instance's data), read from an opened workflow."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.util.task import TaskState


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    return dict(workflow.data) | _last_task_data(workflow)


def _last_task_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    latest = latest_completed(workflow)
    return dict(latest.data) if latest is not None else {}


def latest_completed(workflow: BpmnWorkflow) -> Any | None:
    """The task whose data is the instance's: its latest completed BPMN element."""
    # The instance's own tasks: not those inside a called process, nor the single instances
    # of a multi-instance task (their results are merged into the task that holds them).
    # Only BPMN elements: SpiffWorkflow's own joins and splits carry no data of their own.
    # (Filtered here: get_tasks(state=...) does not look below unfinished tasks, where the
    # completed path of a non-interrupting boundary event sits.)
    done = [t for t in workflow.get_tasks(skip_subprocesses=True)
            if t.state == TaskState.COMPLETED and t.task_spec.bpmn_id is not None
            and not isinstance(t.parent.task_spec if t.parent else None, MultiInstanceTask)]
    # Tasks of one step may share a timestamp (a coarse clock, a frozen test clock): the tree
    # lists a task after the ones it follows, so the later position wins a tie.
    latest = max(enumerate(done), key=lambda pair: (pair[1].last_state_change, pair[0]),
                 default=None)
    return latest[1] if latest is not None else None
