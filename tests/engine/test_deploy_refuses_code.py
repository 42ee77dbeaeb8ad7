"""Deployment refuses diagram code that can only fail at run time, and operators used where
they are not allowed; every problem is one line naming the element."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import deploy, instances
from engine.db import Database
from engine.diagrams import Catalogue, Source
from engine.errors import DeploymentRejected
from engine.limits import limits_set
from engine.models import RoleAssignment

from ..conftest import make_user
from .hostile_diagrams import diagram, multi_instance, script_task, service_task

NOVEMBER = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _problems(db: Database, *sources: Source) -> list[str]:
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy_sources(db, list(sources), "tester")
    return rejected.value.problems


@pytest.mark.parametrize(("script", "says"), [
    ("x = getattr(leden, 'append')", "getattr() is not available"),
    ("f = open('/etc/passwd')", "open() is not available"),
    ("import os", "import is not available"),
    ("from os import path", "import is not available"),
    ("class A:\n    pass", "classes cannot be defined"),
    ("x = eval('1')", "Eval calls are not allowed"),
])
def test_code_that_always_fails_at_run_time_is_refused(sqlite_db: Database, script: str,
                                                       says: str) -> None:
    [problem] = _problems(sqlite_db, diagram("p", script_task(script)))
    assert problem.startswith('p.bpmn: element x "Rekenen": script is not allowed:')
    assert says in problem


def test_a_multi_instance_expression_is_checked(sqlite_db: Database) -> None:
    [problem] = _problems(sqlite_db, diagram("p", multi_instance(cardinality="open('x')")))
    assert "loop cardinality is not allowed: open() is not available" in problem


@pytest.mark.parametrize("operator", ["change_portfolio_holders", "register_partner",
                                      "escalate", "plan_extra_meeting", "send_reminder"])
def test_an_operator_cannot_be_called_from_a_script(sqlite_db: Database, operator: str) -> None:
    [problem] = _problems(sqlite_db, diagram("p", script_task(f"x = {operator}('manager.zvh')")))
    assert f"{operator}() may only be called by a service task" in problem


def test_a_condition_cannot_call_an_operator(sqlite_db: Database) -> None:
    gateway = (
        '<bpmn:exclusiveGateway id="x" name="Keuze" default="f2"><bpmn:incoming>f1'
        "</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing>"
        "</bpmn:exclusiveGateway>"
        '<bpmn:sequenceFlow id="f4" sourceRef="x" targetRef="end"><bpmn:conditionExpression>'
        "escalate('Burgemeester', 'x')</bpmn:conditionExpression></bpmn:sequenceFlow>")
    [problem] = _problems(sqlite_db, diagram("p", gateway))
    assert "condition is not allowed: escalate() may only be called by a service task" in problem


def test_a_process_may_use_only_the_operators_declared_for_it(sqlite_db: Database) -> None:
    """A diagram that grants roles neither deploys nor runs: change_portfolio_holders belongs
    to portfolio_appointment (POR-1) alone."""
    grant = service_task("change_portfolio_holders", mayor='"manager.zvh"',
                         mayor_on='"2026-11-02"', alderman='"manager.zvh"',
                         alderman_on='"2026-11-02"', term_end='"2030-03-31"')
    [problem] = _problems(sqlite_db, diagram("budget_cycle", grant))
    assert ('element x "Dienst": process budget_cycle may not use the operator '
            "change_portfolio_holders (only portfolio_appointment)") in problem
    [unknown] = _problems(sqlite_db, diagram("p", service_task("grant_everything")))
    assert "unknown operator 'grant_everything'" in unknown


def test_a_version_deployed_before_the_rule_is_refused_at_run_time(
        sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A service task that slipped past deployment (a version stored before this check)
    still cannot grant a role when it runs."""
    make_user(sqlite_db, "manager.zvh", "Manager ZVH")
    grant = service_task("change_portfolio_holders", mayor='"manager.zvh"',
                         mayor_on='"2026-11-02"', alderman='"manager.zvh"',
                         alderman_on='"2026-11-02"', term_end='"2030-03-31"')
    monkeypatch.setattr(Catalogue, "_check_service", lambda *args: None)
    with time_machine.travel(NOVEMBER, tick=False):
        deploy.deploy_sources(sqlite_db, [diagram("sneaky", grant)], "tester")
        instance = instances.start_instance(sqlite_db, "sneaky", actor="manager.zvh")
    assert instance.status == "failed"
    assert "may not use the operator change_portfolio_holders" in instance.error
    with sqlite_db.reading() as session:
        roles = set(session.scalars(select(RoleAssignment.role)))
    assert roles == {"Manager ZVH"}


def test_a_name_with_a_newline_gives_one_line(sqlite_db: Database) -> None:
    [problem] = _problems(sqlite_db, diagram("p", script_task("import os", name="Twee\nregels")))
    assert "\n" not in problem and 'element x "Twee regels"' in problem


def test_a_spinning_timer_start_expression_does_not_hang_validation(sqlite_db: Database) -> None:
    start = diagram("p", script_task("x = 1")).text.replace(
        '<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>',
        '<bpmn:startEvent id="start" name="Elk jaar"><bpmn:outgoing>f1</bpmn:outgoing>'
        "<bpmn:timerEventDefinition><bpmn:timeCycle>str(max(range(10**12)))</bpmn:timeCycle>"
        "</bpmn:timerEventDefinition></bpmn:startEvent>")
    with limits_set(cpu_seconds=0.5), time_machine.travel(NOVEMBER, tick=False):
        [problem] = _problems(sqlite_db, Source("p.bpmn", start))
    assert 'element start "Elk jaar"' in problem
    assert "cannot be computed at deployment" in problem and "CPU-time limit of 0.5 s" in problem


def test_the_catalogue_diagrams_use_their_operators_as_declared(sqlite_db: Database) -> None:
    from ..conftest import BPMN

    with time_machine.travel(NOVEMBER, tick=False):
        deployed = deploy.deploy(sqlite_db, [BPMN])
    assert {d.key for d in deployed} >= {"portfolio_appointment", "member_admission",
                                         "decision", "meeting_frequency"}


def _inside_subprocess(key: str, subprocess_id: str, element: str) -> Source:
    """``element`` (id x, flows f1/f2 inside) in an embedded sub-process named as another
    process's key, between the start and the waiting user task."""
    inner = (f'<bpmn:subProcess id="{subprocess_id}" name="Binnen"><bpmn:incoming>f1'
             "</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
             '<bpmn:startEvent id="in_start"><bpmn:outgoing>g1</bpmn:outgoing></bpmn:startEvent>'
             + element.replace("<bpmn:incoming>f1</bpmn:incoming>",
                               "<bpmn:incoming>g1</bpmn:incoming>")
                      .replace("<bpmn:outgoing>f2</bpmn:outgoing>",
                               "<bpmn:outgoing>g2</bpmn:outgoing>")
             + '<bpmn:endEvent id="in_end"><bpmn:incoming>g2</bpmn:incoming></bpmn:endEvent>'
             '<bpmn:sequenceFlow id="g1" sourceRef="in_start" targetRef="x" />'
             '<bpmn:sequenceFlow id="g2" sourceRef="x" targetRef="in_end" />'
             "</bpmn:subProcess>")
    return diagram(key, inner, first=subprocess_id, last=subprocess_id)


def test_an_embedded_sub_process_named_as_another_process_gets_no_operator(
        sqlite_db: Database) -> None:
    """A sub-process's id is only a name: its elements belong to the process around it."""
    warn = service_task("escalate", role='"Burgemeester"', message='"x"')
    [problem] = _problems(sqlite_db, _inside_subprocess("evil", "decision", warn))
    assert "process evil may not use the operator escalate (only decision)" in problem


def test_an_embedded_sub_process_named_as_another_process_is_refused_at_run_time(
        sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.models import Notification

    make_user(sqlite_db, "mia", "Manager ZVH")
    warn = service_task("escalate", role='"Burgemeester"', message='"x"')
    monkeypatch.setattr(Catalogue, "_check_service", lambda *args: None)
    with time_machine.travel(NOVEMBER, tick=False):
        deploy.deploy_sources(sqlite_db, [_inside_subprocess("evil", "decision", warn)], "t")
        instance = instances.start_instance(sqlite_db, "evil", actor="mia")
    assert instance.status == "failed"
    assert "process evil may not use the operator escalate" in instance.error
    with sqlite_db.reading() as session:
        assert session.scalars(select(Notification)).all() == []
