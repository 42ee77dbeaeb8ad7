"""A manager hands a task to another person who holds its role: it lands in their inbox and the
audit trail; refused for who does not oversee the instance (MTG-8), for a person without the
role, for a task that is done or personal, and for who did the task it must be separate from
(BUD-2). A failed instance is retried: its failed step runs again."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from engine import audit, identity, instances, tasks, workflow_cache, worklist
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.manager_actions import hand_over_task, retry_instance
from engine.models import ProcessInstance
from engine.runtime import StepFailed
from engine.timers import fire_due_timers

from ..conftest import BUDGET_PEOPLE, deploy_data, failed_script_step, make_user, start_budget_cycle
from ..processes.meeting_support import make_members

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def cycle(db: Database):
    """A budget cycle waiting for the Manager ZVH's draft; max is a second Manager ZVH."""
    with time_machine.travel(MONDAY, tick=False):
        instance = start_budget_cycle(db, (*BUDGET_PEOPLE, ("max", "Manager ZVH")))
        make_members(db, "stuurgroep")
        yield instance


def _open(db: Database, username: str, name: str):
    return next(t for t in tasks.inbox(db, username) if t.name == name)


def test_a_manager_hands_the_draft_to_the_other_manager(db: Database, cycle) -> None:
    with time_machine.travel(MONDAY, tick=False):
        draft = _open(db, "mia", "Begroting opstellen")
        handed = hand_over_task(db, draft.id, "max", "nina", reason="mia is met verlof")
        assert handed.assignee == "max"
        assert [t.id for t in tasks.inbox(db, "max") if t.assignee == "max"] == [draft.id]
        assert draft.id not in [t.id for t in tasks.inbox(db, "mia")]  # claimed by max now
        with db.reading() as session:
            [event] = [e for e in audit.events_of_instance(session, cycle.id)
                       if e.kind == "task_handed_over"]
        assert (event.actor, event.details) == ("nina", {"from": None, "to": "max",
                                                         "reason": "mia is met verlof"})
        with pytest.raises(Conflict, match="already with max"):
            hand_over_task(db, draft.id, "max", "nina")


def test_mtg8_who_does_not_oversee_the_cycle_may_not_hand_over(db: Database, cycle) -> None:
    """MTG-8: a body's secretary oversees that body only, a member nothing."""
    with time_machine.travel(MONDAY, tick=False):
        draft = _open(db, "mia", "Begroting opstellen")
        for actor in ("gerda", "stef", "mia"):  # mia does the work but oversees as Manager ZVH
            if actor == "mia":
                assert hand_over_task(db, draft.id, "max", actor).assignee == "max"
                continue
            with pytest.raises(NotAllowed, match="does not oversee"):
                hand_over_task(db, draft.id, "max", actor)


def test_the_receiver_must_hold_the_role_and_exist(db: Database, cycle) -> None:
    with time_machine.travel(MONDAY, tick=False):
        draft = _open(db, "mia", "Begroting opstellen")
        with pytest.raises(NotAllowed, match="does not hold the role"):
            hand_over_task(db, draft.id, "dirk", "nina")
        with pytest.raises(InvalidInput, match="no active user 'nobody'"):
            hand_over_task(db, draft.id, "nobody", "nina")
        with pytest.raises(NotFound):
            hand_over_task(db, 999_999, "max", "nina")
        assert tasks.get_task(db, draft.id).assignee is None  # nothing half-applied


def test_bud2_a_review_does_not_go_to_who_did_the_other_review(db: Database, cycle) -> None:
    """BUD-2: the two portefeuillehouders' reviews are two people's."""
    with time_machine.travel(MONDAY, tick=False):
        make_user(db, "piet", "Portefeuillehouder ZVH")
        draft = _open(db, "mia", "Begroting opstellen")
        tasks.complete_task(db, draft.id, "mia", {
            "basistaken": 100000, "plustaken": 0, "toelichting": "Zoals vorig jaar."})
        first, second = [t for t in tasks.inbox(db, "bert") if t.role == "Portefeuillehouder ZVH"]
        tasks.complete_task(db, first.id, "bert", {"akkoord_wethouder": "akkoord"})
        with pytest.raises(NotAllowed, match="must go to someone else"):
            hand_over_task(db, second.id, "bert", "nina")
        assert hand_over_task(db, second.id, "piet", "nina").assignee == "piet"
        with pytest.raises(Conflict, match="already completed"):
            hand_over_task(db, first.id, "piet", "nina")


def test_retry_opens_a_failed_task_again_and_its_doer_completes_it(db: Database) -> None:
    """A completion whose script failed was rolled back; after the retry its doer sends the
    corrected answer and the instance goes on."""
    instance = failed_script_step(db)
    with pytest.raises(NotAllowed, match="does not oversee"):
        retry_instance(db, instance.id, "nobody")
    retried = retry_instance(db, instance.id, "mia")
    assert (retried.status, retried.error) == ("running", None)
    [task] = tasks.inbox(db, "mia")
    tasks.complete_task(db, task.id, "mia", {"bedrag": 10, "aantal": 2})
    assert instances.get_instance(db, instance.id).status == "completed"
    with db.reading() as session:
        kinds = [e.kind for e in audit.events_of_instance(session, instance.id)]
    assert kinds == ["instance_started", "instance_failed", "instance_retried",
                     "task_completed"]
    with pytest.raises(Conflict, match="has not failed"):
        retry_instance(db, instance.id, "mia")


def test_a_retry_whose_cause_remains_fails_again_cleanly(db: Database) -> None:
    """A timer that cannot fire fails again on the retry, with the new error; nothing of the
    attempt is kept, and the instance can be retried once more."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=LOCAL_ZONE)
    with time_machine.travel(start, tick=False):
        make_user(db, "mia", "Manager ZVH")
        deploy_data(db, "timer_wait.bpmn")
        broken = instances.start_instance(db, "timer_wait", actor="mia")
    with db.transaction() as session:
        session.get(ProcessInstance, broken.id).workflow_json = '{"not": "a workflow"}'
    workflow_cache.clear()  # as after a restart: the state is read from the database
    with time_machine.travel(start + timedelta(days=2), tick=False):
        fire_due_timers(db)
        assert instances.get_instance(db, broken.id).status == "failed"
        with pytest.raises(StepFailed, match="could not be loaded"):
            retry_instance(db, broken.id, "mia")
    failed = instances.get_instance(db, broken.id)
    assert failed.status == "failed" and "could not be loaded" in failed.error
    with db.reading() as session:
        kinds = [e.kind for e in audit.events_of_instance(session, broken.id)]
    assert kinds[-2:] == ["instance_failed", "instance_failed"]  # no retry counted as done


def test_retry_after_the_cause_is_fixed_fires_the_timer_and_projects_the_task(
        db: Database) -> None:
    """The timer's step failed because its personal task's member lacks the role; a retry
    while the cause remains fails again with the new error and keeps nothing; once the role is
    given, the retry fires the timer and the task is in the member's inbox."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=LOCAL_ZONE)
    with time_machine.travel(start, tick=False):
        make_user(db, "mia", "Manager ZVH")
        deploy_data(db, "timer_assignee.bpmn")
        instance = instances.start_instance(db, "timer_assignee", actor="mia")
    with time_machine.travel(start + timedelta(days=2), tick=False):
        fire_due_timers(db)
        assert "karel is not an active user" in instances.get_instance(db, instance.id).error
        make_user(db, "karel")  # exists now, but is no member of the DVO
        with pytest.raises(StepFailed, match="karel is not Lid for dvo"):
            retry_instance(db, instance.id, "mia")
        failed = instances.get_instance(db, instance.id)
        assert (failed.status, failed.next_timer_name) == ("failed", "Een dag later")
        assert "karel is not Lid for dvo" in failed.error
        assert tasks.tasks_of_instance(db, instance.id) == []  # nothing half-applied
        identity.assign_role(db, "karel", "Lid DVO")
        retried = retry_instance(db, instance.id, "mia")
        assert (retried.status, retried.error, retried.next_timer_at) == ("running", None, None)
        [task] = worklist.my_tasks(db, "karel").tasks
        assert (task.name, task.assignee, task.instance_id) == ("Reageren", "karel", instance.id)
    with db.reading() as session:
        events = audit.events_of_instance(session, instance.id)
    assert [e.kind for e in events][-4:] == ["instance_failed", "instance_failed",
                                             "instance_retried", "timer_fired"]
    assert events[-2].details["status"] == "running"
    assert "karel is not Lid for dvo" in events[-2].details["error"]


def test_mtg8_a_manager_cancels_with_a_reason_a_secretary_of_another_body_may_not(
        db: Database, cycle) -> None:
    """MTG-8: who oversees the cycle may cancel it, saying why; a body's secretary may not."""
    with time_machine.travel(MONDAY, tick=False):
        with pytest.raises(NotAllowed, match="manager who oversees it"):
            instances.cancel_instance(db, cycle.id, "gerda", reason="opruimen")
        with pytest.raises(InvalidInput, match="must give a reason"):
            instances.cancel_instance(db, cycle.id, "max", reason="  ")
        assert instances.get_instance(db, cycle.id).status == "running"  # nothing changed
        cancelled = instances.cancel_instance(db, cycle.id, "max", reason="dubbel gestart")
        assert cancelled.status == "cancelled"
        with db.reading() as session:
            event = audit.events_of_instance(session, cycle.id)[-1]
        assert (event.kind, event.actor, event.details) == (
            "instance_cancelled", "max", {"reason": "dubbel gestart"})
