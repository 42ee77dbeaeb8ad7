"""Tasks never go to nobody: a personal task only for someone who may do it, choices that come
from the task data, and dates that may not lie in the past (issue 9)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from engine import instances, tasks
from engine.db import Database
from engine.diagrams import Catalogue, Source
from engine.form_data import ChoicesMissing, form_context
from engine.forms import FormRejected, form_schema, form_values
from engine.models import HumanTask
from engine.runtime import AssigneeRefused

from ..conftest import deploy_data, make_user
from ..processes.meeting_support import deploy_governance, make_members

MOMENT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _at_moment():
    with time_machine.travel(MOMENT, tick=False):
        yield


def start_choice(db: Database, candidates: list[str], proposed: list[str]) -> HumanTask:
    """The regiekamer's secretary chooses members among ``candidates``."""
    make_user(db, "sec", "Secretaris", scope="regiekamer")
    deploy_data(db, "personal_tasks.bpmn")
    instance = instances.start_instance(
        db, "personal_tasks", scope="regiekamer", actor="sec",
        data={"kandidaten": candidates, "voorgesteld": proposed})
    [task] = tasks.tasks_of_instance(db, instance.id)
    return task


def open_tasks(db: Database, instance_id: int) -> list[HumanTask]:
    return [t for t in tasks.tasks_of_instance(db, instance_id) if t.state == "open"]


def test_a_form_offers_the_choices_of_its_task_data_and_opens_with_its_values(
        db: Database) -> None:
    task = tasks.get_task(db, start_choice(db, ["anna", "bert"], ["anna"]).id)
    items = form_schema(task)["properties"]["gekozen"]["items"]
    assert items["anyOf"] == [{"const": "anna", "title": "Anna"},
                              {"const": "bert", "title": "Bert"}]
    assert form_values(task) == {"gekozen": ["anna"]}


def test_a_choice_outside_the_offered_ones_is_refused(db: Database) -> None:
    """Nobody outside the offered choices can be named, whatever the page posts."""
    make_members(db, "regiekamer")
    task = start_choice(db, ["anna", "bert"], [])
    with pytest.raises(FormRejected) as refused:
        tasks.complete_task(db, task.id, "sec", {"gekozen": ["jan"], "datum": "2027-03-01"})
    assert refused.value.rules == {"gekozen.0": ("enum", ["anna", "bert"])}
    assert tasks.get_task(db, task.id).state == "open"


def test_a_date_before_today_is_refused_with_the_first_allowed_day(db: Database) -> None:
    make_members(db, "regiekamer")
    task = start_choice(db, ["anna"], [])
    with pytest.raises(FormRejected) as refused:
        tasks.complete_task(db, task.id, "sec", {"gekozen": ["anna"], "datum": "2020-01-01"})
    assert refused.value.rules == {"datum": ("formatMinimum", "2027-03-01")}
    assert "must be 2027-03-01 or later" in refused.value.message
    done = tasks.complete_task(db, task.id, "sec", {"gekozen": ["anna"], "datum": "2027-03-01"})
    assert done.state == "completed"


def test_a_submission_naming_a_non_member_is_refused_and_nothing_changes(db: Database) -> None:
    """A personal task lands only with someone who may do it: choosing a user who is no member
    of the body (or no user at all) refuses the whole submission; the instance stays as it
    was and its task open."""
    make_members(db, "regiekamer", "stuurgroep")
    task = start_choice(db, ["anna", "stef", "onbekend.persoon"], [])
    with pytest.raises(AssigneeRefused) as refused:
        tasks.complete_task(db, task.id, "sec", {"gekozen": ["anna", "stef", "onbekend.persoon"],
                                                  "datum": "2027-03-02"})
    assert refused.value.usernames == ["onbekend.persoon", "stef"]
    assert "onbekend.persoon is not an active user" in refused.value.message
    assert "stef is not Lid for regiekamer on 2027-03-01" in refused.value.message
    instance = instances.get_instance(db, task.instance_id)
    assert (instance.status, instance.error) == ("running", None)
    assert [t.id for t in open_tasks(db, task.instance_id)] == [task.id]
    tasks.complete_task(db, task.id, "sec", {"gekozen": ["anna"], "datum": "2027-03-02"})
    [reply] = open_tasks(db, task.instance_id)
    assert (reply.name, reply.assignee, reply.personal) == ("Reageren", "anna", True)
    assert [t.id for t in tasks.inbox(db, "anna")] == [reply.id]


def test_a_decision_started_for_outsiders_fails_at_its_start_naming_them(db: Database) -> None:
    """DEC-1: only members of the body vote; no ballot is made for an outsider."""
    deploy_governance(db)
    make_members(db, "regiekamer", "stuurgroep")
    make_user(db, "nemo")
    instance = instances.start_instance(
        db, "decision", title="Besluit", actor="sara", scope="regiekamer",
        data={"orgaan": "regiekamer", "aanwezigen": ["anna", "stef", "nemo"], "afwezigen": [],
              "agendapunt": {"titel": "Werkproces", "voorstel": "Vaststellen.", "bron": "lid"}})
    assert instance.status == "failed"
    assert 'the task "Stemmen" cannot go to nemo is not Lid for regiekamer' in instance.error
    assert "stef is not Lid for regiekamer" in instance.error
    assert tasks.tasks_of_instance(db, instance.id) == []


def test_choices_missing_from_the_task_data_are_named() -> None:
    schema = {"type": "object", "properties": {"gekozen": {
        "type": "array", "items": {"anyOf": ["options_from_task_data_var:keuzes"]}}}}
    with pytest.raises(ChoicesMissing, match='"keuzes", which the task data does not have'):
        form_context(schema, {"keuzes": "anna"}, personal=False)
    with pytest.raises(ChoicesMissing, match='an entry of "keuzes"'):
        form_context(schema, {"keuzes": [["anna"]]}, personal=False)
    assert form_context(schema, {"keuzes": ["anna"], "gekozen": ["anna"]}, personal=True) == {
        "options": {"keuzes": [{"value": "anna", "label": "anna"}]}, "values": {}}


def test_deploy_refuses_a_minimum_date_that_is_no_date() -> None:
    schema = {"type": "object", "properties": {
        "datum": {"type": "string", "format": "date", "formatMinimum": "gisteren"},
        "wie": {"type": "string", "anyOf": ["options_from_task_data_var:keuzes"]}}}
    catalogue = Catalogue([Source("forms/x-schema.json", json.dumps(schema))])
    catalogue.check()
    assert catalogue.problems == [
        'forms/x-schema.json: formatMinimum "gisteren" is neither an ISO date nor "today"']
