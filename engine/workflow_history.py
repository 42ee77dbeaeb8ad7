"""Finished history out of the workflow a step runs, so that a step does not slow down with it.

SpiffWorkflow walks every task of the tree at each step (to find the ready tasks, to check a
join, to see whether the workflow is done), and keeps every task it ever made: an instance
that went round a revise loop 200 times walks some thousand tasks per step. No step needs the
finished part above the lowest task that every unfinished task descends from. Its parent, a
finished task, becomes the root of the tree the step runs; what lies outside is archived: kept
in the database for the record (the path on the diagram, ``read_workflow``), left out of the
workflow a step loads.

The latest completed task and the workflow's ``last_task`` are kept with the unfinished ones:
the instance's data is what the latest completed task left (``engine.workflow_data``).
Only the instance's own tree is pruned; a finished sub-process goes with the task that ran it.
A process with a parallel or inclusive join, or with an event sub-process, is not pruned (its
steps then cost more as its history grows): SpiffWorkflow's joins count the finished tasks of
earlier rounds, and an event sub-process starts below the root.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from .spiff import has_event_subprocess
from .workflow_data import latest_completed

# Tasks of the instance's own tree beyond which its finished history is archived.
PRUNE_ABOVE = 30


def prune_history(workflow: BpmnWorkflow, above: int = PRUNE_ABOVE
                  ) -> tuple[list[Any], dict[str, Any], Any | None]:
    """Take the finished history out of ``workflow`` when its tree has more than ``above``
    tasks. Returns the tasks taken out (with those of the sub-processes they ran), those
    sub-processes by the id of the task that ran them, and the new root (None: nothing done)."""
    if len(workflow.tasks) <= above or not _prunable(workflow.spec):
        return [], {}, None
    keep = [task for task in workflow.tasks.values()
            if not task.state & TaskState.FINISHED_MASK]
    if not keep:
        return [], {}, None  # a finished workflow takes no more steps
    keep += [task for task in (latest_completed(workflow), workflow.last_task)
             if task is not None and task.workflow is workflow]
    root = _lowest_common_ancestor(keep).parent
    # A join looks at its task's parent (an inclusive gateway's check of what may still come):
    # the root, which has none, is never one.
    while root is not None and isinstance(root.task_spec, Join):
        root = root.parent
    if root is None:
        return [], {}, None
    live = _subtree_ids(workflow, root)
    out = [task for task_id, task in workflow.tasks.items() if task_id not in live]
    for task in out:
        del workflow.tasks[task.id]
    root._parent = None
    workflow.task_tree = root
    subprocesses = _take_subprocesses(workflow, out)
    return out, subprocesses, root


def _prunable(spec: Any) -> bool:
    """Whether taking finished history out keeps the process's behaviour as SpiffWorkflow's:
    not with a parallel or inclusive join, whose check counts the join's finished tasks of
    earlier rounds, nor with an event sub-process, which starts as a child of the tree's root."""
    return not has_event_subprocess(spec) and not any(
        isinstance(task_spec, UnstructuredJoin) and not isinstance(task_spec, _EndJoin)
        for task_spec in spec.task_specs.values())


def _lowest_common_ancestor(tasks: list[Any]) -> Any:
    common: list[Any] | None = None
    for task in tasks:
        path = _path_from_root(task)
        if common is None:
            common = path
            continue
        depth = 0
        while depth < min(len(common), len(path)) and common[depth] is path[depth]:
            depth += 1
        common = common[:depth]
    assert common, "the tasks of one tree share its root"
    return common[-1]


def _path_from_root(task: Any) -> list[Any]:
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    path.reverse()
    return path


def _subtree_ids(workflow: BpmnWorkflow, root: Any) -> set[UUID]:
    seen: set[UUID] = set()
    pending = [root.id]
    while pending:
        task_id = pending.pop()
        seen.add(task_id)
        pending.extend(child for child in workflow.tasks[task_id]._children
                       if child in workflow.tasks)
    return seen


def _take_subprocesses(workflow: BpmnWorkflow, out: list[Any]) -> dict[str, Any]:
    """The sub-processes run by tasks taken out, and theirs in turn; their tasks join ``out``."""
    taken: dict[str, Any] = {}
    pending = [task.id for task in out]
    while pending:
        subprocess = workflow.subprocesses.pop(pending.pop(), None)
        if subprocess is None:
            continue
        taken[str(subprocess.parent_task_id)] = subprocess
        out.extend(subprocess.tasks.values())
        pending.extend(subprocess.tasks)
    return taken
