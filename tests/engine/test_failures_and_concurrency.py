"""Failed steps roll back and leave the instance failed; concurrent commands never both win."""

from __future__ import annotations

import threading

import pytest

from engine import audit, instances, tasks
from engine.db import Database
from engine.errors import Conflict
from engine.runtime import StepFailed

from ..conftest import deploy_data, make_user


def test_a_script_that_raises_fails_the_instance_and_rolls_the_step_back(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy_data(db, "script_step.bpmn")
    instance = instances.start_instance(db, "script_step", actor="mia")
    [task] = tasks.inbox(db, "mia")
    with pytest.raises(StepFailed, match=r'"Gemiddelde berekenen".*division by zero'):
        tasks.complete_task(db, task.id, "mia", {"bedrag": 10, "aantal": 0})
    failed = instances.get_instance(db, instance.id)
    assert failed.status == "failed"
    assert "division by zero" in failed.error
    # The completion was rolled back: the task is still open, the instance data unchanged.
    assert tasks.get_task(db, task.id).state == "open"
    assert "bedrag" not in instances.instance_data(failed)
    with db.reading() as session:
        kinds = [e.kind for e in audit.events_of_instance(session, instance.id)]
    assert kinds == ["instance_started", "instance_failed"]
    with pytest.raises(Conflict, match="has failed"):
        tasks.complete_task(db, task.id, "mia", {"bedrag": 10, "aantal": 2})


def test_a_sandbox_violation_at_run_time_fails_the_instance(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy_data(db, "script_step.bpmn")
    instances.start_instance(db, "script_step", actor="mia")
    [task] = tasks.inbox(db, "mia")
    # Data cannot smuggle code in: a value is data, never evaluated.
    with pytest.raises(StepFailed):
        tasks.complete_task(db, task.id, "mia", {"bedrag": "__import__('os')", "aantal": 2})


def _race(db: Database, action) -> list[object]:
    """Run ``action`` in two threads on two connection pools at once; collect the outcomes."""
    second = Database(db.url)
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[object] = []

    def run(database: Database) -> None:
        barrier.wait()
        try:
            outcomes.append(action(database))
        except Conflict as err:
            outcomes.append(err)

    threads = [threading.Thread(target=run, args=(d,)) for d in (db, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    second.dispose()
    return outcomes


def test_two_claims_of_one_task_at_once_one_wins(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    make_user(db, "max", "Manager ZVH")
    deploy_data(db, "two_lanes.bpmn")
    instances.start_instance(db, "two_lanes", actor="mia")
    [task] = tasks.inbox(db, "mia")
    users = iter(["mia", "max"])
    lock = threading.Lock()

    def claim(database: Database):
        with lock:
            user = next(users)
        return tasks.claim_task(database, task.id, user)

    outcomes = _race(db, claim)
    assert sum(not isinstance(o, Conflict) for o in outcomes) == 1, outcomes


def test_a_post_script_that_raises_fails_the_instance_not_the_caller(db: Database,
                                                                     tmp_path) -> None:
    """An error while the task itself runs (its post-script) is a failed step like any other."""
    from engine import deploy

    from ..conftest import DATA

    text = (DATA / "two_lanes.bpmn").read_text().replace(
        "</spiffworkflow:properties>",
        "</spiffworkflow:properties><spiffworkflow:postScript>x = 1 / 0</spiffworkflow:postScript>")
    (tmp_path / "post.bpmn").write_text(text)
    deploy.deploy(db, [tmp_path / "post.bpmn", DATA / "forms"])
    make_user(db, "mia", "Manager ZVH")
    instance = instances.start_instance(db, "two_lanes", actor="mia")
    [task] = tasks.inbox(db, "mia")
    with pytest.raises(StepFailed, match="division by zero"):
        tasks.complete_task(db, task.id, "mia", {"basistaken": 1, "toelichting": "x"})
    assert instances.get_instance(db, instance.id).status == "failed"
    assert tasks.get_task(db, task.id).state == "open"
