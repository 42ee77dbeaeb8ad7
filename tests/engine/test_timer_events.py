"""Timer events in the persisted engine: each kind and position, start events, versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from engine import audit, deploy, instances, tasks, workflow_cache
from engine.db import Database
from engine.errors import DeploymentRejected, InvalidInput
from engine.models import HumanTask, Notification, ProcessInstance, TimerSchedule
from engine.timers import fire_due_timers, upcoming_timers

from ..conftest import DATA, data_of, deploy_data, make_user

NOVEMBER = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def fired_events(db: Database, instance_id: int) -> list[dict]:
    with db.reading() as session:
        return [e.details for e in audit.events_of_instance(session, instance_id)
                if e.kind == "timer_fired"]


def test_a_zone_less_date_planned_in_winter_fires_at_summer_local_time(db: Database) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_kinds.bpmn")
        instance = instances.start_instance(db, "wait_until_date")
    due = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert (instance.status, instance.next_timer_at) == ("waiting", due)
    assert instance.next_timer_name == "Tot 1 juli 10:00"
    with at(due - timedelta(seconds=1)):
        assert fire_due_timers(db) == 0
    with at(due):
        assert fire_due_timers(db) == 1
    assert instances.get_instance(db, instance.id).status == "completed"
    assert fired_events(db, instance.id) == [
        {"element": "wait", "name": "Tot 1 juli 10:00", "due": due.isoformat(), "occurrences": 1}]


def test_a_month_duration_follows_the_calendar(db: Database) -> None:
    with at(datetime(2027, 1, 31, 9, 0, tzinfo=UTC)):
        deploy_data(db, "timer_kinds.bpmn")
        instance = instances.start_instance(db, "wait_for_duration")
    assert instance.next_timer_at == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)


def test_a_date_computed_from_the_instance_data(db: Database) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_kinds.bpmn")
        instance = instances.start_instance(db, "wait_for_data",
                                            data={"vergaderdatum": "2027-04-12"})
    assert instance.next_timer_at == datetime(2027, 4, 12, 12, 0, tzinfo=UTC)


def test_a_due_timer_fires_in_the_same_call_that_finds_it_due(db: Database) -> None:
    """SpiffWorkflow only readies a due timer one call later unless timers are refreshed first."""
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with at(start):
        deploy_data(db, "timer_wait.bpmn")
        instance = instances.start_instance(db, "timer_wait")
    with at(start + timedelta(days=2)):
        assert fire_due_timers(db) == 1
    assert instances.get_instance(db, instance.id).status == "completed"


def test_a_due_timer_survives_a_restart_and_fires_once(db: Database, tmp_path: Path) -> None:
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with at(start):
        deploy_data(db, "timer_wait.bpmn")
        instance = instances.start_instance(db, "timer_wait")
    db.dispose()
    deploy._spec_cache.clear()  # a new process parses the diagram afresh
    restarted = Database(db.url)
    try:
        with at(start + timedelta(days=3)):
            assert fire_due_timers(restarted) == 1
            assert fire_due_timers(restarted) == 0
        assert instances.get_instance(restarted, instance.id).status == "completed"
        assert len(fired_events(restarted, instance.id)) == 1
    finally:
        restarted.dispose()


def papers_task_claimed(db: Database) -> tuple[ProcessInstance, HumanTask]:
    """An instance of timer_boundary (weekly reminder, 20-day deadline), its task claimed; the
    manager holds the role from that day (not from the real today, which may come later)."""
    with at(NOVEMBER):
        make_user(db, "manager", "Manager ZVH")
        deploy_data(db, "timer_boundary.bpmn")
        instance = instances.start_instance(db, "timer_boundary", data={"termijn": "P20D"})
        [task] = tasks.tasks_of_instance(db, instance.id)
        tasks.claim_task(db, task.id, "manager")
    return instance, task


def test_boundary_timers_remind_weekly_and_interrupt_at_the_deadline(db: Database) -> None:
    instance, task = papers_task_claimed(db)
    assert task.due_at == NOVEMBER + timedelta(days=20)  # the interrupting timer: the deadline
    assert instances.get_instance(db, instance.id).next_timer_at == NOVEMBER + timedelta(weeks=1)
    for week in (1, 2):
        with at(NOVEMBER + timedelta(weeks=week, minutes=1)):
            assert fire_due_timers(db) == 1
        [open_task] = [t for t in tasks.tasks_of_instance(db, instance.id) if t.state == "open"]
        assert open_task.id == task.id  # non-interrupting: the task stays
    with db.reading() as session:
        reminders = session.scalars(select(Notification).order_by(Notification.id)).all()
        assert [(n.kind, n.recipient, n.task_id) for n in reminders] == [
            ("reminder", "manager", task.id)] * 2
    with at(NOVEMBER + timedelta(days=20, minutes=1)):
        assert fire_due_timers(db) == 1
    done = instances.get_instance(db, instance.id)
    assert (done.status, done.stage) == ("completed", "Te laat")
    assert [t.state for t in tasks.tasks_of_instance(db, instance.id)] == ["cancelled"]
    assert [e["name"] for e in fired_events(db, instance.id)] == [
        "Elke week", "Elke week", "Termijn verstreken"]


def test_a_task_done_in_time_stops_its_timers(db: Database) -> None:
    instance, task = papers_task_claimed(db)
    with at(NOVEMBER):
        tasks.complete_task(db, task.id, "manager", {})
    done = instances.get_instance(db, instance.id)
    assert (done.status, done.stage, done.next_timer_at) == ("completed", "Verstuurd", None)


def test_a_timer_value_that_is_not_a_duration_fails_the_instance_with_its_name(
        db: Database) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_boundary.bpmn")
        instance = instances.start_instance(db, "timer_boundary", data={"termijn": "twee weken"})
    assert instance.status == "failed"
    assert '"twee weken" is not an ISO 8601 duration' in instance.error
    assert "Termijn verstreken" in instance.error


def test_a_timer_start_event_starts_one_instance_per_quarter_on_the_calendar(
        db: Database) -> None:
    """R4/2027-01-01T09:00/P3M: 1 January, 1 April, 1 July, 1 October, then nothing."""
    with at(NOVEMBER):
        deploy_data(db, "timer_start.bpmn")
    [upcoming] = upcoming_timers(db)
    assert (upcoming.kind, upcoming.process_key, upcoming.name, upcoming.scope) == (
        "start", "quarterly", "Elk kwartaal", "stamtafel")
    assert upcoming.due_at == datetime(2027, 1, 1, 8, 0, tzinfo=UTC)
    started = []
    for month in (1, 4, 7, 10):
        day = datetime(2027, month, 1, 12, 0, tzinfo=UTC)
        with at(day - timedelta(days=1)):
            assert fire_due_timers(db) == 0
        with at(day):
            assert fire_due_timers(db) == 1
        started.append(instances.list_instances(db, process="quarterly")[0])
    with at(datetime(2028, 6, 1, tzinfo=UTC)):
        assert fire_due_timers(db) == 0
    assert [i.title for i in started] == [
        f"Kwartaaloverleg: Elk kwartaal (01-{m:02d}-2027)" for m in (1, 4, 7, 10)]
    first = instances.instance_data(instances.get_instance(db, started[0].id))
    assert (first["occurrence"], first["aanleiding"]) == ("2027-01-01T09:00:00+01:00", "kwartaal")
    third = instances.get_instance(db, started[2].id)
    assert instances.instance_data(third)["occurrence"] == "2027-07-01T09:00:00+02:00"
    assert {i.scope for i in started} == {"stamtafel"}
    assert all(i.status == "running" and i.started_by is None for i in started)


def test_a_start_by_hand_takes_the_plain_start_event(db: Database) -> None:
    with at(NOVEMBER):
        make_user(db, "secretaris", "Secretaris", scope="stamtafel")
        deploy_data(db, "timer_start.bpmn")
        instance = instances.start_instance(db, "quarterly", actor="secretaris")
        assert data_of(db, instance).get("aanleiding") is None
        by_timer = instances.start_instance(db, "quarterly", actor="secretaris",
                                            start_event="each_quarter")
        assert data_of(db, by_timer)["aanleiding"] == "kwartaal"
        with pytest.raises(InvalidInput, match='no start event "yearly"'):
            instances.start_instance(db, "quarterly", actor="secretaris", start_event="yearly")
    assert [len(tasks.tasks_of_instance(db, i.id)) for i in (instance, by_timer)] == [1, 1]


def test_a_scheduler_down_for_three_quarters_starts_one_instance_and_says_so(
        db: Database) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_start.bpmn")
    with at(datetime(2027, 7, 15, tzinfo=UTC)):
        assert fire_due_timers(db) == 1
        assert fire_due_timers(db) == 0
    [listed] = instances.list_instances(db, process="quarterly")
    instance = instances.get_instance(db, listed.id)
    assert instances.instance_data(instance)["occurrence"] == "2027-07-01T09:00:00+02:00"
    [event] = fired_events(db, instance.id)
    assert (event["occurrences"], event["missed"]) == (3, 2)
    assert event["skipped"] == ["2027-01-01T08:00:00+00:00", "2027-04-01T07:00:00+00:00"]
    with at(datetime(2027, 10, 1, 7, 0, tzinfo=UTC)):
        assert fire_due_timers(db) == 1


def test_a_new_version_between_two_starts_takes_over_the_cycle(db: Database,
                                                               tmp_path: Path) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_start.bpmn")
    with at(datetime(2027, 1, 1, 9, 0, tzinfo=UTC)):
        assert fire_due_timers(db) == 1
    changed = tmp_path / "timer_start.bpmn"
    changed.write_text((DATA / "timer_start.bpmn").read_text()
                       .replace("Overleg voorbereiden", "Kwartaaloverleg voorbereiden"))
    with at(datetime(2027, 2, 1, tzinfo=UTC)):
        [result] = deploy.deploy(db, [changed], "tester")
    assert (result.version, result.status) == (2, "new")
    with at(datetime(2027, 3, 31, tzinfo=UTC)):
        assert fire_due_timers(db) == 0
    with at(datetime(2027, 4, 1, 9, 0, tzinfo=UTC)):
        assert fire_due_timers(db) == 1
        assert fire_due_timers(db) == 0
    second, first = instances.list_instances(db, process="quarterly")
    assert (first.definition.version, second.definition.version) == (1, 2)
    assert [t.name for t in tasks.tasks_of_instance(db, second.id)] == [
        "Kwartaaloverleg voorbereiden"]


def test_a_changed_cycle_is_planned_afresh_without_firing_the_past(db: Database,
                                                                  tmp_path: Path) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_start.bpmn")
    changed = tmp_path / "timer_start.bpmn"
    changed.write_text((DATA / "timer_start.bpmn").read_text()
                       .replace("R4/2027-01-01T09:00/P3M", "R/2026-01-15T09:00/P1M"))
    with at(NOVEMBER):
        deploy.deploy(db, [changed], "tester")
    with db.reading() as session:
        schedule = session.scalars(select(TimerSchedule)).one()
    assert schedule.next_due_at == datetime(2026, 12, 15, 8, 0, tzinfo=UTC)


def test_timer_values_are_checked_at_deployment(db: Database, tmp_path: Path) -> None:
    bad = tmp_path / "timer_kinds.bpmn"
    bad.write_text((DATA / "timer_kinds.bpmn").read_text()
                   .replace("<bpmn:timeDuration>\"P1M\"", "<bpmn:timeDuration>P1")
                   .replace("2027-07-01T10:00<", "1 juli<"))
    start = tmp_path / "timer_start.bpmn"
    start.write_text((DATA / "timer_start.bpmn").read_text()
                     .replace("R4/2027-01-01T09:00/P3M", "begin_van_het_jaar"))
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy(db, [bad, start], "tester")
    problems = "\n".join(rejected.value.problems)
    assert 'element wait "Tot 1 juli 10:00": timeDate' in problems
    assert 'timeDate "1 juli" is neither an ISO 8601 value' in problems
    assert '"P1" is not an ISO 8601 duration' in problems
    assert "timeCycle of a start event cannot be computed at deployment" in problems


def test_an_instance_that_cannot_fire_fails_and_the_others_still_fire(db: Database) -> None:
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with at(start):
        deploy_data(db, "timer_wait.bpmn")
        broken = instances.start_instance(db, "timer_wait")
        healthy = instances.start_instance(db, "timer_wait")
    with db.transaction() as session:
        session.get(ProcessInstance, broken.id).workflow_json = '{"not": "a workflow"}'
    workflow_cache.clear()  # as after a restart: the state is read from the database
    with at(start + timedelta(days=2)):
        assert fire_due_timers(db) == 2
        assert fire_due_timers(db) == 0
    failed = instances.get_instance(db, broken.id)
    assert failed.status == "failed"
    assert failed.error.startswith("the timer could not fire")
    assert instances.get_instance(db, healthy.id).status == "completed"


def test_a_start_event_post_script_sets_the_data_and_is_checked_at_deployment(
        db: Database, tmp_path: Path) -> None:
    scripted = (DATA / "timer_start.bpmn").read_text().replace(
        '<spiffworkflow:property name="scope" value="stamtafel" />',
        '<spiffworkflow:property name="scope" value="stamtafel" />\n'
        "        </spiffworkflow:properties>\n"
        '        <spiffworkflow:postScript>orgaan = "stamtafel"</spiffworkflow:postScript>\n'
        "        <spiffworkflow:properties>")
    good = tmp_path / "timer_start.bpmn"
    good.write_text(scripted)
    with at(NOVEMBER):
        deploy.deploy(db, [good], "tester")
        by_timer = instances.start_instance(db, "quarterly", start_event="each_quarter")
        by_hand = instances.start_instance(db, "quarterly")
    assert data_of(db, by_timer)["orgaan"] == "stamtafel"
    assert "orgaan" not in data_of(db, by_hand)
    bad = tmp_path / "bad" / "timer_start.bpmn"
    bad.parent.mkdir()
    bad.write_text(scripted.replace('orgaan = "stamtafel"', "orgaan = ().__class__"))
    with pytest.raises(DeploymentRejected, match="post-script is not allowed"):
        deploy.deploy(db, [bad], "tester")


@pytest.mark.parametrize(("timer", "due"), [
    ("<bpmn:timeDate>2027-03-01T09:00</bpmn:timeDate>", datetime(2027, 3, 1, 8, 0, tzinfo=UTC)),
    ("<bpmn:timeDuration>P2W</bpmn:timeDuration>", NOVEMBER + timedelta(weeks=2)),
])
def test_a_date_or_duration_start_event_starts_one_instance_once(
        db: Database, tmp_path: Path, timer: str, due: datetime) -> None:
    once = tmp_path / "timer_start.bpmn"
    once.write_text((DATA / "timer_start.bpmn").read_text().replace(
        "<bpmn:timeCycle>R4/2027-01-01T09:00/P3M</bpmn:timeCycle>", timer))
    with at(NOVEMBER):
        deploy.deploy(db, [once], "tester")
    assert [u.due_at for u in upcoming_timers(db)] == [due]
    with at(due):
        assert fire_due_timers(db) == 1
    with at(due + timedelta(days=400)):
        deploy.deploy(db, [once], "tester")  # unchanged: it does not fire again
        assert fire_due_timers(db) == 0
    assert upcoming_timers(db) == []
    assert len(instances.list_instances(db, process="quarterly")) == 1


def test_an_event_subprocess_timer_fires_inside_the_instance(db: Database) -> None:
    """Its start event is a timer of the instance (with data), not a schedule of new ones."""
    with at(NOVEMBER):
        deploy_data(db, "escalation_subprocess.bpmn")
        assert upcoming_timers(db) == []
        instance = instances.start_instance(db, "escalation_subprocess", data={"termijn": "P3D"})
    assert instance.next_timer_at == NOVEMBER + timedelta(days=3)
    with at(NOVEMBER + timedelta(days=3, minutes=1)):
        assert fire_due_timers(db) == 1
    [firing] = fired_events(db, instance.id)
    assert (firing["element"], firing["name"]) == ("term_passed", "Termijn verstreken")
    escalated = instances.get_instance(db, instance.id)
    assert (escalated.status, escalated.next_timer_at) == ("running", None)
    assert [t.state for t in tasks.tasks_of_instance(db, instance.id)] == ["open"]


def test_a_cycle_reached_after_its_start_misses_nothing(db: Database, tmp_path: Path) -> None:
    """Occurrences before the event was reached were never due: no "missed" in the audit."""
    weekly = tmp_path / "timer_boundary.bpmn"
    weekly.write_text((DATA / "timer_boundary.bpmn").read_text()
                      .replace("R/P1W", "R/2027-01-04T09:00/P1W"))
    with at(datetime(2027, 3, 2, 12, 0, tzinfo=UTC)):
        make_user(db, "manager", "Manager ZVH")
        deploy.deploy(db, [weekly], "tester")
        instance = instances.start_instance(db, "timer_boundary", data={"termijn": "P30D"})
    assert instance.next_timer_at == datetime(2027, 3, 8, 8, 0, tzinfo=UTC)
    with at(datetime(2027, 3, 8, 8, 1, tzinfo=UTC)):
        assert fire_due_timers(db) == 1
    [firing] = fired_events(db, instance.id)
    assert firing["occurrences"] == 1 and "missed" not in firing


def test_a_long_elapsed_cycle_round_trips(db: Database, tmp_path: Path) -> None:
    """PT336H is stored and read back as 1,209,600 seconds, not 1.2096e+06."""
    fortnightly = tmp_path / "timer_boundary.bpmn"
    fortnightly.write_text((DATA / "timer_boundary.bpmn").read_text().replace("R/P1W", "R/PT336H"))
    with at(NOVEMBER):
        make_user(db, "manager", "Manager ZVH")
        deploy.deploy(db, [fortnightly], "tester")
        instance = instances.start_instance(db, "timer_boundary", data={"termijn": "P30D"})
    assert instance.next_timer_at == NOVEMBER + timedelta(weeks=2)
    for fortnight in (1, 2):
        with at(NOVEMBER + timedelta(weeks=2 * fortnight, minutes=1)):
            assert fire_due_timers(db) == 1


def test_a_broken_timer_start_does_not_hold_up_the_other_timers(db: Database) -> None:
    with at(NOVEMBER):
        deploy_data(db, "timer_wait.bpmn")
        deploy_data(db, "timer_start.bpmn")
        waiting = instances.start_instance(db, "timer_wait")
    with db.transaction() as session:
        session.scalars(select(TimerSchedule)).one().cycle = {"start": "kapot"}
    with at(datetime(2027, 1, 2, tzinfo=UTC)):
        assert fire_due_timers(db) == 1  # the instance's timer; the schedule is skipped
    assert instances.get_instance(db, waiting.id).status == "completed"
    with db.reading() as session:
        assert session.scalars(select(TimerSchedule)).one().next_due_at is not None
