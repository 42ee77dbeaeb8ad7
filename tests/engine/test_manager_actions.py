"""A manager hands a task to another person who holds its role: it lands in their inbox and the
audit trail; refused for who does not oversee the instance (MTG-8), for a person without the
role, for a task that is done or personal, and for who did the task it must be separate from
(BUD-2)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from engine import audit, tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.manager_actions import hand_over_task

from ..conftest import BUDGET_PEOPLE, make_user, start_budget_cycle
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
