"""Diagram code that cannot hurt the server: each payload a hostile test found stops at a limit,
fails its instance with a message naming the element and the limit, and rolls its step back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine

from engine import deploy, instances, tasks, timers
from engine.db import Database
from engine.diagrams import Source
from engine.limits import limits_set
from engine.models import ProcessInstance

from ..conftest import make_user
from .hostile_diagrams import diagram, flow, multi_instance, script_task, timer

NOVEMBER = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

SPINNING = {
    "while True: pass": "CPU-time limit",
    "x = 9**9**9": "CPU-time limit",
    "x = max(range(10**12))": "CPU-time limit",
    "x = 'a' * 10**10": "memory limit",
    "x = 'a' * 10**8": "limit of 1 MB per instance",
}


def _start(db: Database, element: str | Source, key: str = "hostile") -> ProcessInstance:
    """Deploy the element (or a whole diagram) and start it as mia."""
    make_user(db, "mia", "Manager ZVH")
    source = element if isinstance(element, Source) else diagram(key, element)
    deploy.deploy_sources(db, [source], "tester")
    return instances.start_instance(db, key, actor="mia")


@pytest.fixture
def quick():
    """A shorter CPU limit keeps the suite fast; the defaults are checked apart."""
    with limits_set(cpu_seconds=0.5) as limits:
        yield limits


@pytest.mark.parametrize("script", SPINNING)
def test_a_script_that_runs_away_fails_its_instance_at_the_limit(
        sqlite_db: Database, quick, script: str) -> None:
    with time_machine.travel(NOVEMBER, tick=False):
        instance = _start(sqlite_db, script_task(script, name="Eindeloos\nrekenen"))
    assert instance.status == "failed"
    assert '"Eindeloos rekenen"' in instance.error, "the element is named, on one line"
    assert SPINNING[script] in instance.error
    assert "\n" not in instance.error
    # Nothing of the step was stored: no task, no data.
    assert tasks.tasks_of_instance(sqlite_db, instance.id) == []
    assert "x" not in instances.instance_data(instances.get_instance(sqlite_db, instance.id))


@pytest.mark.parametrize("condition", ["max(range(10**12)) > 0", "9**9**9 > 1"])
def test_a_condition_that_runs_away_fails_its_instance(sqlite_db: Database, quick,
                                                       condition: str) -> None:
    gateway = (
        '<bpmn:exclusiveGateway id="x" name="Keuze" default="f2"><bpmn:incoming>f1'
        "</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing>"
        "</bpmn:exclusiveGateway>"
        '<bpmn:sequenceFlow id="f4" sourceRef="x" targetRef="end">'
        f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>")
    with time_machine.travel(NOVEMBER, tick=False):
        instance = _start(sqlite_db, gateway)
    assert instance.status == "failed"
    assert "CPU-time limit of 0.5 s" in instance.error


def test_a_timer_expression_that_runs_away_fails_its_instance(sqlite_db: Database,
                                                              quick) -> None:
    with time_machine.travel(NOVEMBER, tick=False):
        instance = _start(sqlite_db, timer("str(max(range(10**12)))"))
    assert instance.status == "failed"
    assert '"Wachten op datum"' in instance.error and "CPU-time limit" in instance.error


def test_a_cardinality_of_a_billion_stops_at_the_instance_limit(sqlite_db: Database) -> None:
    with time_machine.travel(NOVEMBER, tick=False):
        instance = _start(sqlite_db, multi_instance(cardinality="10**9"))
    assert instance.status == "failed"
    assert '"Per lid"' in instance.error and "more than 1000 times" in instance.error


def test_a_collection_longer_than_the_instance_limit_stops(sqlite_db: Database) -> None:
    members = script_task("leden = list(range(50))", name="Leden", id="y", outgoing="f0")
    looped = multi_instance(collection="leden", incoming="f0")
    source = diagram("hostile", members + looped + flow("f0", "y", "x"), first="y")
    with time_machine.travel(NOVEMBER, tick=False), limits_set(instances=20):
        instance = _start(sqlite_db, source)
    assert instance.status == "failed"
    assert "more than 20 times" in instance.error


def test_a_loop_of_scripts_without_a_wait_stops_at_the_task_limit(sqlite_db: Database) -> None:
    count = script_task("teller = 1", id="a", outgoing="f4")
    again = script_task("teller = teller + 1", id="b", incoming="f4", outgoing="f5")
    loop = (count + again + flow("f4", "a", "b") + flow("f5", "b", "g")
            + '<bpmn:exclusiveGateway id="g" default="f6"><bpmn:incoming>f5</bpmn:incoming>'
            "<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f6</bpmn:outgoing>"
            "</bpmn:exclusiveGateway>" + flow("f6", "g", "b"))
    source = diagram("hostile", loop.replace('<bpmn:incoming>f4</bpmn:incoming>',
                                             '<bpmn:incoming>f4</bpmn:incoming>'
                                             '<bpmn:incoming>f6</bpmn:incoming>'),
                     first="a", last="g")
    source = type(source)(source.name, source.text.replace(
        flow("f2", "g", "wait"), flow("f2", "g", "wait", "teller < 0")))
    with time_machine.travel(NOVEMBER, tick=False), limits_set(tasks_per_step=200):
        instance = _start(sqlite_db, source)
    assert instance.status == "failed"
    assert "more than 200 tasks without waiting" in instance.error


def test_a_timer_leading_into_a_spinning_script_fails_and_the_scheduler_goes_on(
        db: Database, quick) -> None:
    """The scheduler's run ends at the limit: the instance is failed (its row lock released,
    the transaction rolled back) and the other instance's timer fires in the same run."""
    make_user(db, "mia", "Manager ZVH")
    wait = timer('"2026-11-03T09:00"', outgoing="f0")
    spin = script_task("while True: pass", id="s", incoming="f0")
    hostile = diagram("hostile", wait + spin + flow("f0", "x", "s"), last="s")
    with time_machine.travel(NOVEMBER, tick=False):
        deploy.deploy_sources(db, [hostile, diagram("kind", timer('"2026-11-03T09:00"'))],
                              "tester")
        spinning = instances.start_instance(db, "hostile", actor="mia")
        kind = instances.start_instance(db, "kind", actor="mia")
    with time_machine.travel(datetime(2026, 11, 3, 10, 0, tzinfo=UTC), tick=False):
        timers.fire_due_timers(db)
    failed = instances.get_instance(db, spinning.id)
    assert failed.status == "failed" and "CPU-time limit" in failed.error
    assert [t.name for t in tasks.tasks_of_instance(db, kind.id)] == ["Wachten"]


@pytest.mark.parametrize("db", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_an_evaluation_elsewhere_goes_on_while_one_spins(db: Database) -> None:
    """The thread that waits for a spinning sandbox holds no lock: another step completes
    while it waits (on PostgreSQL; SQLite has one writer at a time anyway)."""
    sqlite_db = db
    make_user(sqlite_db, "mia", "Manager ZVH")
    with time_machine.travel(NOVEMBER, tick=False):
        deploy.deploy_sources(sqlite_db, [diagram("spin", script_task("while True: pass")),
                                          diagram("calm", script_task("x = sum([1, 2])"))],
                              "tester")
    outcome: dict[str, object] = {}

    def spin() -> None:
        outcome["spin"] = instances.start_instance(sqlite_db, "spin", actor="mia").status

    with limits_set(cpu_seconds=3):
        spinner = threading.Thread(target=spin)
        spinner.start()
        threading.Event().wait(0.3)  # the spinner is inside its script
        calm = instances.start_instance(sqlite_db, "calm", actor="mia")
        calm_done = "spin" not in outcome
        spinner.join()
    assert calm.status == "running" and calm_done
    assert outcome["spin"] == "failed"


def test_the_default_limits_stop_a_loop_within_a_second_or_two(sqlite_db: Database) -> None:
    with time_machine.travel(NOVEMBER, tick=False):
        instance = _start(sqlite_db, script_task("while True: pass"))
    assert "CPU-time limit of 1 s" in instance.error


def test_data_entered_beyond_the_data_limit_is_refused_whole(sqlite_db: Database) -> None:
    from engine.errors import InvalidInput

    with time_machine.travel(NOVEMBER, tick=False):
        make_user(sqlite_db, "mia", "Manager ZVH")
        deploy.deploy_sources(sqlite_db, [diagram("calm", script_task("x = 1"))], "tester")
        with pytest.raises(InvalidInput, match=r"data of 2\.0 MB is more than the limit of 1 MB"):
            instances.start_instance(sqlite_db, "calm", actor="mia",
                                     data={"stuk": "a" * 2_000_000})
        instance = instances.start_instance(sqlite_db, "calm", actor="mia")
        [task] = tasks.tasks_of_instance(sqlite_db, instance.id)
        with pytest.raises(InvalidInput, match="more than the limit"):
            tasks.complete_task(sqlite_db, task.id, "mia", {"stuk": "a" * 2_000_000})
    assert tasks.get_task(sqlite_db, task.id).state == "open"


@pytest.mark.parametrize(("script", "says"), [
    ("def f():\n    x = y\n    y = 1\nf()", "UnboundLocalError on line 2"),
    ("x = onbekend + 1", "NameError on line 1: name 'onbekend' is not defined"),
])
def test_a_script_error_fails_the_instance_with_one_clear_line(sqlite_db: Database, script: str,
                                                               says: str) -> None:
    """SpiffWorkflow's "did you mean" raised a TypeError of its own on an unbound local, and
    the instance was not marked failed."""
    with time_machine.travel(NOVEMBER, tick=False):
        instance = _start(sqlite_db, script_task(script))
    assert instance.status == "failed"
    assert instance.error.startswith('the process stopped with an error at "Rekenen": the script '
                                     "failed: ")
    assert says in instance.error and "\n" not in instance.error
