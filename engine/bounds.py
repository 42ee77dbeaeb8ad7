"""Bounds on a step that no single evaluation sees: loops of automatic tasks, instance counts.

Each evaluation of diagram code is limited in the sandbox process; but a loop of script
tasks without a wait, or a multi-instance activity over ``10**9`` items, runs SpiffWorkflow
itself without end. A step stops after ``tasks_per_step`` automatic tasks or ten times the
CPU limit of wall-clock time, and a multi-instance activity at ``instances`` children.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs import defaults

from .limits import current_limits

STEP_TIME_FACTOR = 10


class _BoundedChildren:
    def create_child(self, my_task: Any, *args: Any, **kwargs: Any) -> Any:
        limit = current_limits().instances
        if len(my_task.children) >= limit:
            err = WorkflowTaskException(
                f"the multi-instance activity would run more than {limit} times (the limit "
                "of instances of one activity)", task=my_task)
            # The wrapper has no name of its own; the activity drawn in the diagram has.
            err.task_spec = my_task.workflow.spec.task_specs[self.task_spec]  # type: ignore[attr-defined]
            raise err
        return super().create_child(my_task, *args, **kwargs)  # type: ignore[misc]


# Named as SpiffWorkflow's own, so that saved instances load into these classes.
class ParallelMultiInstanceTask(_BoundedChildren, defaults.ParallelMultiInstanceTask):
    pass


class SequentialMultiInstanceTask(_BoundedChildren, defaults.SequentialMultiInstanceTask):
    pass


MULTI_INSTANCE_CLASSES = {
    defaults.ParallelMultiInstanceTask: ParallelMultiInstanceTask,
    defaults.SequentialMultiInstanceTask: SequentialMultiInstanceTask,
}


def _bounded(parser_class: type) -> type:
    return type(parser_class.__name__, (parser_class,), {
        "PARALLEL_MI_CLASS": ParallelMultiInstanceTask,
        "SEQUENTIAL_MI_CLASS": SequentialMultiInstanceTask,
    })


class BoundedParser(SpiffBpmnParser):
    """SpiffArena's parser, with the multi-instance activities bounded."""

    OVERRIDE_PARSER_CLASSES: ClassVar[dict[str, tuple[type, type]]] = {
        tag: (_bounded(parser), spec)
        for tag, (parser, spec) in SpiffBpmnParser.OVERRIDE_PARSER_CLASSES.items()
    }


class StepBudget:
    """Counts the automatic tasks of one step and stops it at the limits."""

    def __init__(self) -> None:
        limits = current_limits()
        self.tasks_left = limits.tasks_per_step
        self.seconds = STEP_TIME_FACTOR * limits.cpu_seconds
        self.deadline = time.monotonic() + self.seconds

    def spend(self, task: Any) -> None:
        self.tasks_left -= 1
        if self.tasks_left < 0:
            raise WorkflowTaskException(
                f"the step ran more than {current_limits().tasks_per_step} tasks without "
                "waiting for a person or a timer (a loop without a way out?)", task=task)
        if time.monotonic() > self.deadline:
            raise WorkflowTaskException(
                f"the step ran longer than {self.seconds:g} s without waiting for a person or "
                "a timer", task=task)
