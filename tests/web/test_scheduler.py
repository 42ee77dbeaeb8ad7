"""The APScheduler setup: one job fires due timers every N seconds, one checks frequencies daily."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from engine import instances
from engine.db import Database
from web.scheduler import build_scheduler

from ..conftest import deploy_data


def test_the_scheduler_runs_the_two_jobs(db: Database) -> None:
    scheduler = build_scheduler(db, 30, blocking=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"fire_due_timers", "check_frequencies"}
    fire = jobs["fire_due_timers"]
    assert isinstance(fire.trigger, IntervalTrigger)
    assert fire.trigger.interval == timedelta(seconds=30)
    assert (fire.max_instances, fire.coalesce) == (1, True)
    assert isinstance(jobs["check_frequencies"].trigger, CronTrigger)


def test_the_fire_job_moves_a_due_instance_on(db: Database) -> None:
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        deploy_data(db, "timer_wait.bpmn")
        instance = instances.start_instance(db, "timer_wait")
    scheduler = build_scheduler(db, 30, blocking=False)
    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        scheduler.get_job("fire_due_timers").func(*scheduler.get_job("fire_due_timers").args)
    assert instances.get_instance(db, instance.id).status == "completed"


def test_health_reports_a_scheduler_that_stopped_completing_runs(app, db: Database) -> None:
    """A scheduler stuck in a run looks alive to its process; /health sees the stall."""
    scheduler = build_scheduler(db, 30, blocking=False)
    fire = scheduler.get_job("fire_due_timers")
    start = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    client = app.test_client()
    with time_machine.travel(start, tick=False):
        fire.func(*fire.args)
    with time_machine.travel(start + timedelta(seconds=85), tick=False):
        healthy = client.get("/health")
    assert healthy.status_code == 200 and healthy.get_json()["scheduler"] == "ok"
    with time_machine.travel(start + timedelta(seconds=95), tick=False):
        stalled = client.get("/health")
    assert stalled.status_code == 503
    assert stalled.get_json()["scheduler"] == ("stalled: no run completed for 95 s "
                                               "(one every 30 s expected)")
    with time_machine.travel(start + timedelta(seconds=96), tick=False):
        fire.func(*fire.args)
        assert client.get("/health").status_code == 200
