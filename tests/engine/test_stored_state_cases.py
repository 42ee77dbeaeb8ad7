"""Steps whose stored state is read back from the database after each one (as after a
restart, or in another process), against the same steps in SpiffWorkflow alone."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine import instances, workflow_cache
from engine.db import Database
from engine.runtime import advance, run_task, save
from engine.spiff import new_parser, new_workflow
from engine.workflow_data import current_data
from engine.workflow_store import open_workflow

from ..conftest import DATA, deploy_data


def step(db: Database, instance_id: int, element: str, data: dict[str, Any]) -> set[str]:
    """Complete the ready task of ``element``; the ready tasks after, read back afresh."""
    with db.transaction() as session:
        instance = instances.lock_instance(session, instance_id)
        workflow = open_workflow(instance)
        (task,) = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                   if t.task_spec.bpmn_id == element]
        run_task(task, data, session, None, instance_id)
        save(session, instance, workflow, advance(workflow, session, None, instance_id))
    workflow_cache.clear()
    return ready_of(db, instance_id)


def ready_of(db: Database, instance_id: int) -> set[str]:
    with db.transaction() as session:
        workflow = open_workflow(instances.lock_instance(session, instance_id))
        return {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY,
                                                                manual=True)}


class Alone:
    """The same process in SpiffWorkflow alone, in memory."""

    def __init__(self, name: str, key: str, data: dict[str, Any] | None = None) -> None:
        parser = new_parser()
        parser.add_bpmn_file(str(DATA / name))
        self.workflow = new_workflow(parser.get_spec(key), parser.get_subprocess_specs(key))
        for task in self.workflow.get_tasks(state=TaskState.READY):
            task.data.update(data or {})
        self.workflow.do_engine_steps()

    def step(self, element: str, data: dict[str, Any]) -> set[str]:
        (task,) = [t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                   if t.task_spec.bpmn_id == element]
        task.data.update(data)
        task.run()
        self.workflow.do_engine_steps()
        return {t.task_spec.bpmn_id for t in self.workflow.get_tasks(state=TaskState.READY,
                                                                     manual=True)}


def test_an_event_subprocess_started_by_a_signal_survives_a_reload(db: Database) -> None:
    """Starting it gives the finished root of the tree a child, with no change of state."""
    deploy_data(db, "signal_subprocess.bpmn")
    instance = instances.start_instance(db, "signal_subprocess")
    alone = Alone("signal_subprocess.bpmn", "signal_subprocess")
    assert step(db, instance.id, "work", {}) == alone.step("work", {}) == {"after", "handle"}


def test_a_parallel_loop_read_back_after_every_step_goes_as_in_spiffworkflow(
        db: Database) -> None:
    """Branches finish in another order each round; a join merges nested data in place."""
    start = {"leden": [{"naam": "a", "stem": None}]}
    deploy_data(db, "parallel_loop.bpmn")
    instance = instances.start_instance(db, "parallel_loop", data=start)
    alone = Alone("parallel_loop.bpmn", "parallel_loop", start)
    voted = {"leden": [{"naam": "a", "stem": "ja"}], "again": True}
    for element in ("A", "B", "C", "B", "A", "C", "A", "B", "C"):
        assert step(db, instance.id, element, voted) == alone.step(element, voted)
    data = instances.instance_data(instances.get_instance(db, instance.id))
    assert data["leden"] == current_data(alone.workflow)["leden"] == voted["leden"]
