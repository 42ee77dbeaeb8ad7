"""What a participant sees: who may see a task, and the earlier answers shown with it."""

from __future__ import annotations

import pytest

from engine import instances, tasks, worklist
from engine.db import Database
from engine.errors import NotFound

from ..conftest import start_budget_cycle
from ..processes.meeting_support import deploy_governance, make_members

BUDGET = {"basistaken": 250000, "plustaken": 40000, "toelichting": "Eerste versie."}


@pytest.fixture
def cycle(db: Database):
    return start_budget_cycle(db)


def _task(db: Database, username: str, name: str):
    return next(t for t in tasks.inbox(db, username) if t.name == name)


def test_only_holders_of_the_role_see_a_task(db: Database, cycle) -> None:
    draft = _task(db, "mia", "Begroting opstellen")
    view = worklist.task_for(db, draft.id, "mia")
    assert view.schema["title"] == "Begroting opstellen"
    assert view.ui_schema["ui:order"] == ["basistaken", "plustaken", "toelichting",
                                         "begroting_bestand"]
    with pytest.raises(NotFound):
        worklist.task_for(db, draft.id, "nina")
    tasks.complete_task(db, draft.id, "mia", BUDGET)
    # Done: whoever did it still sees it (and that it is done).
    assert worklist.task_for(db, draft.id, "mia").task.state == "completed"


def test_earlier_answers_are_the_latest_of_each_step_labelled_by_the_form(
        db: Database, cycle) -> None:
    tasks.complete_task(db, _task(db, "mia", "Begroting opstellen").id, "mia", BUDGET)
    tasks.complete_task(db, _task(db, "bert", "Concept beoordelen (namens DVO)").id, "bert",
                        {"akkoord_burgemeester": "akkoord"})
    tasks.complete_task(db, _task(db, "wendy", "Concept beoordelen (namens VvG Veilig Thuis)").id,
                        "wendy", {"akkoord_wethouder": "akkoord"})
    tasks.complete_task(db, _task(db, "dirk", "Besluit DVO vastleggen").id, "dirk",
                        {"besluit_dvo": "teruggestuurd", "datum_vergadering": "2026-11-12",
                         "toelichting_dvo": "Plustaken onderbouwen."})
    redo = _task(db, "mia", "Begroting opstellen")
    answers = worklist.task_for(db, redo.id, "mia").answers
    # The manager's own first draft is an earlier step of the same element: it is shown,
    # once; the DVO's reason to send it back is there too.
    assert [a.task_name for a in answers] == [
        "Begroting opstellen", "Concept beoordelen (namens DVO)",
        "Concept beoordelen (namens VvG Veilig Thuis)", "Besluit DVO vastleggen"]
    assert answers[0].fields == [("Reguliere basistaken (EUR)", 250000),
                                 ("Plustaken (EUR)", 40000), ("Toelichting", "Eerste versie.")]
    assert answers[0].completed_by == "mia"
    assert ("Toelichting", "Plustaken onderbouwen.") in answers[3].fields

    tasks.complete_task(db, redo.id, "mia", BUDGET | {"toelichting": "Tweede versie."})
    review = _task(db, "bert", "Concept beoordelen (namens DVO)")
    answers = worklist.task_for(db, review.id, "bert").answers
    assert [a.task_name for a in answers][-1] == "Begroting opstellen"
    assert ("Toelichting", "Tweede versie.") in answers[-1].fields
    assert sum(a.task_name == "Begroting opstellen" for a in answers) == 1


def test_another_members_ballot_is_neither_visible_nor_among_the_answers(db: Database) -> None:
    """MTG-8: a vote is its voter's; other members see neither the task nor its answer."""
    deploy_governance(db)
    make_members(db, "regiekamer")
    instances.start_instance(
        db, "decision", title="Besluit", actor="sara", scope="regiekamer",
        data={"orgaan": "regiekamer", "aanwezigen": ["anna", "bert"], "afwezigen": [],
              "agendapunt": {"titel": "X", "voorstel": "Y", "bron": "lid"}})
    anna = _task(db, "anna", "Stemmen")
    bert = _task(db, "bert", "Stemmen")
    with pytest.raises(NotFound):
        worklist.task_for(db, anna.id, "bert")
    tasks.complete_task(db, anna.id, "anna", {"stemkeuze": "voor"})
    assert worklist.task_for(db, bert.id, "bert").answers == []
    assert worklist.task_for(db, anna.id, "anna").task.state == "completed"


def test_my_tasks_filters_by_process_and_lists_the_processes(db: Database, cycle) -> None:
    mine = worklist.my_tasks(db, "mia")
    assert [t.name for t in mine.tasks] == ["Begroting opstellen"]
    assert mine.processes == [("budget_cycle", "Begroting en jaarverslag")]
    assert worklist.my_tasks(db, "mia", process="meeting").tasks == []
    assert worklist.my_tasks(db, "mia", late=True).tasks == []  # no due date: never late
