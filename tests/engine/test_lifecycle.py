"""A sample process with user tasks in two lanes, driven end to end through the engine commands."""

from __future__ import annotations

import pytest

from engine import audit, instances, tasks, workflow_cache
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotAllowed
from web import create_app
from web.database import get_db

from ..conftest import deploy_data, make_user

DRAFT = {"basistaken": 250000, "plustaken": 40000, "toelichting": "Zoals 2026, plus index"}


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    return {
        "manager": make_user(db, "mia", "Manager ZVH"),
        "ph": make_user(db, "piet", "Portefeuillehouder ZVH"),
        "other": make_user(db, "olga", "Netwerksecretaris"),
    }


def _only_task(db: Database, username: str):
    inbox = tasks.inbox(db, username)
    assert len(inbox) == 1, [t.name for t in inbox]
    return inbox[0]


def test_two_lanes_to_the_end_with_a_restart_in_between(db: Database, people) -> None:
    """GEN-1: every task completion is recorded with who, when and what."""
    deploy_data(db, "two_lanes.bpmn")
    instance = instances.start_instance(db, "two_lanes", title="Begroting 2027",
                                        actor=people["manager"], data={"jaar": 2027})
    assert instance.status == "running"
    assert instance.stage == "Begroting gestart"

    draft = _only_task(db, people["manager"])
    assert (draft.name, draft.role) == ("Begroting opstellen", "Manager ZVH")
    assert "basistaken en plustaken" in draft.documentation
    assert tasks.inbox(db, people["ph"]) == []
    tasks.claim_task(db, draft.id, people["manager"])
    tasks.complete_task(db, draft.id, people["manager"], DRAFT)

    # A restart: a new application (and connection pool) on the same database, and no
    # workflow kept in the process.
    db.dispose()
    workflow_cache.clear()
    app = create_app({"TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "t"})
    with app.app_context():
        db2 = get_db()
        assert instances.get_instance(db2, instance.id).stage == "Concept gereed"
        review = _only_task(db2, people["ph"])
        assert review.name == "Begroting bespreken"
        assert tasks.inbox(db2, people["manager"]) == []
        done = tasks.complete_task(db2, review.id, people["ph"], {"akkoord": True})
        assert done.state == "completed"
        finished = instances.get_instance(db2, instance.id)
        assert (finished.status, finished.stage) == ("completed", "Begroting akkoord")
        assert finished.ended_at is not None
        assert instances.instance_data(finished)["basistaken"] == 250000

        with db2.reading() as session:
            trail = audit.events_of_instance(session, instance.id)
        assert [(e.kind, e.actor) for e in trail] == [
            ("instance_started", "mia"), ("task_claimed", "mia"), ("task_completed", "mia"),
            ("task_completed", "piet"),
        ]
        assert trail[2].details["data"] == DRAFT
        assert trail[3].task_id == review.id
        assert all(e.at is not None for e in trail)
        db2.dispose()


def test_the_revision_loop_sends_the_draft_back(db: Database, people) -> None:
    deploy_data(db, "two_lanes.bpmn")
    instances.start_instance(db, "two_lanes", actor=people["manager"])
    tasks.complete_task(db, _only_task(db, "mia").id, "mia", DRAFT)
    tasks.complete_task(db, _only_task(db, "piet").id, "piet", {"akkoord": False})
    again = _only_task(db, "mia")
    assert again.name == "Begroting opstellen"


def test_a_task_is_refused_to_someone_without_the_lane_role(db: Database, people) -> None:
    deploy_data(db, "two_lanes.bpmn")
    instances.start_instance(db, "two_lanes", actor=people["manager"])
    draft = _only_task(db, "mia")
    with pytest.raises(NotAllowed, match="Manager ZVH"):
        tasks.complete_task(db, draft.id, people["other"], DRAFT)
    with pytest.raises(NotAllowed):
        tasks.claim_task(db, draft.id, people["ph"])
    assert tasks.get_task(db, draft.id).state == "open"


def test_completed_or_claimed_tasks_are_refused_and_nothing_changes(db: Database, people) -> None:
    deploy_data(db, "two_lanes.bpmn")
    instance = instances.start_instance(db, "two_lanes", actor="mia")
    make_user(db, "max", "Manager ZVH")
    draft = _only_task(db, "mia")
    tasks.claim_task(db, draft.id, "max")
    with pytest.raises(Conflict, match="claimed by max"):
        tasks.complete_task(db, draft.id, "mia", DRAFT)
    with pytest.raises(NotAllowed, match="claimed by max"):
        tasks.unclaim_task(db, draft.id, "mia")
    assert tasks.inbox(db, "mia") == []  # claimed by a colleague: gone from my inbox
    tasks.unclaim_task(db, draft.id, "max")
    tasks.complete_task(db, draft.id, "mia", DRAFT)
    before = instances.get_instance(db, instance.id).lock_version
    with pytest.raises(Conflict, match="already completed by mia"):
        tasks.complete_task(db, draft.id, "mia", DRAFT)
    assert instances.get_instance(db, instance.id).lock_version == before


def test_form_data_is_validated_against_the_json_schema(db: Database, people) -> None:
    deploy_data(db, "two_lanes.bpmn")
    instances.start_instance(db, "two_lanes", actor="mia")
    draft = _only_task(db, "mia")
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, draft.id, "mia", {"basistaken": -5})
    assert refused.value.problems == {"basistaken": "minimum 0: -5 is less than the minimum of 0",
                                      "toelichting": "required"}
    assert tasks.get_task(db, draft.id).state == "open"


def test_cancel_closes_the_open_tasks(db: Database, people) -> None:
    deploy_data(db, "two_lanes.bpmn")
    instance = instances.start_instance(db, "two_lanes", actor="mia")
    draft = _only_task(db, "mia")
    with pytest.raises(NotAllowed):
        instances.cancel_instance(db, instance.id, "piet")
    cancelled = instances.cancel_instance(db, instance.id, "mia", reason="dubbel gestart")
    assert cancelled.status == "cancelled"
    assert tasks.get_task(db, draft.id).state == "cancelled"
    with pytest.raises(Conflict, match="already cancelled"):
        tasks.complete_task(db, draft.id, "mia", DRAFT)


def test_four_eyes_two_tasks_of_one_lane_need_two_people(db: Database) -> None:
    """BUD-2: both portefeuillehouders are heard; one person cannot give both opinions."""
    make_user(db, "burgemeester", "Portefeuillehouder ZVH")
    make_user(db, "wethouder", "Portefeuillehouder ZVH")
    deploy_data(db, "four_eyes.bpmn")
    instance = instances.start_instance(db, "four_eyes", actor="burgemeester")
    by_name = {t.name: t for t in tasks.inbox(db, "burgemeester")}
    tasks.complete_task(db, by_name["Oordeel namens het DVO"].id, "burgemeester")
    second = by_name["Oordeel namens de VvG Veilig Thuis"]
    with pytest.raises(NotAllowed, match="someone other than who did"):
        tasks.complete_task(db, second.id, "burgemeester")
    assert tasks.get_task(db, second.id).state == "open"
    tasks.complete_task(db, second.id, "wethouder")
    assert instances.get_instance(db, instance.id).status == "completed"
