"""A start event's ``instanceTitle`` names each cycle from its start data ("Begroting 2028"),
as the managers' overview shows it; a title given at the start wins; a broken expression is a
deploy problem, and one that gives no text stops the start with a clear error."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

import pytest
import time_machine

from engine import deploy, instances
from engine.audit import events_of_instance
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.diagrams import Source
from engine.errors import DeploymentRejected
from engine.timers import fire_due_timers

from ..conftest import BPMN, make_user
from ..processes.meeting_support import make_members
from .hostile_diagrams import diagram, user_task

NEW_YEAR = datetime(2027, 1, 1, 8, 0, tzinfo=LOCAL_ZONE)


def _deploy_catalogue(db: Database) -> None:
    with time_machine.travel(NEW_YEAR, tick=False):
        make_user(db, "mia", "Manager ZVH")
        make_members(db, "stamtafel")
        deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "case_reflection.bpmn",
                           BPMN / "meeting.bpmn", BPMN / "decision.bpmn", BPMN / "forms"],
                      "tester")


def test_bud6_timer_starts_are_named_for_their_year_quarter_and_body(db: Database) -> None:
    """BUD-6, REF-1, MTG-1: the budget of September is next year's, the case reflection and
    the Stamtafel's meeting are named for the quarter they start in."""
    _deploy_catalogue(db)
    with time_machine.travel(datetime(2027, 9, 1, 9, 1, tzinfo=LOCAL_ZONE), tick=False):
        fire_due_timers(db)
    titles = {(i.process_key, i.title) for i in instances.list_instances(db)}
    assert ("budget_cycle", "Begroting 2028") in titles
    assert ("budget_cycle", "Jaarverslag 2026") in titles
    assert ("case_reflection", "Casusreflectie K3 2027") in titles
    assert ("meeting", "Stamtafel zorg en veiligheid K3 2027") in titles


def test_a_title_given_at_the_start_wins(db: Database) -> None:
    _deploy_catalogue(db)
    with time_machine.travel(datetime(2027, 9, 1, 9, 0, tzinfo=LOCAL_ZONE), tick=False):
        by_hand = instances.start_instance(db, "budget_cycle", title="Begroting 2028 (herzien)",
                                           actor="mia", start_event="start_budget_year")
        untitled = instances.start_instance(db, "budget_cycle", actor="mia",
                                            start_event="start_budget_year")
    assert (by_hand.title, untitled.title) == ("Begroting 2028 (herzien)", "Begroting 2028")
    with db.reading() as session:
        started = events_of_instance(session, untitled.id)[0]
    assert (started.kind, started.details["title"]) == ("instance_started", "Begroting 2028")


def _titled(expression: str) -> Source:
    source = diagram("titled", user_task("Lezen"), in_lane=("x",))
    title = ('<bpmn:startEvent id="start"><bpmn:extensionElements><spiffworkflow:properties>'
             f'<spiffworkflow:property name="instanceTitle" value="{escape(expression)}"/>'
             '</spiffworkflow:properties></bpmn:extensionElements>')
    return Source(source.name, source.text.replace('<bpmn:startEvent id="start">', title, 1))


def test_a_title_expression_that_is_no_code_is_a_deploy_problem(db: Database) -> None:
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy_sources(db, [_titled("'Begroting ' +")], "tester")
    assert any("instance title" in problem for problem in rejected.value.problems)


def test_a_title_that_is_no_text_stops_the_start_in_words(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy.deploy_sources(db, [_titled("12 * 2")], "tester")
    started = instances.start_instance(db, "titled", actor="mia")
    assert started.status == "failed"
    assert "instance title" in started.error and "must be a text" in started.error
