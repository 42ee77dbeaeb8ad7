"""Reminders and escalations reach people: under "Meldingen" on the inbox page and in the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient

from engine import instances, tasks
from engine.db import Database
from engine.timers import fire_due_timers

from ..conftest import deploy_data, make_user
from .test_inbox import sign_in

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def reminded_task(db: Database) -> Iterator[int]:
    """A claimed task of timer_boundary whose weekly reminder fired once, eight days after it
    started; the test goes on at that moment (the inbox shows the last 30 days' notices)."""
    with time_machine.travel(STARTED, tick=False) as clock:
        deploy_data(db, "timer_boundary.bpmn")
        make_user(db, "manager", "Manager ZVH")
        make_user(db, "other", "Manager ZVH")
        instance = instances.start_instance(db, "timer_boundary", data={"termijn": "P20D"})
        [task] = tasks.tasks_of_instance(db, instance.id)
        tasks.claim_task(db, task.id, "manager")
        clock.move_to(STARTED + timedelta(days=8))
        assert fire_due_timers(db) == 1
        yield task.id


def test_the_inbox_page_shows_a_reminder_with_a_link_to_its_task(
        client: FlaskClient, reminded_task: int) -> None:
    task_id = reminded_task
    sign_in(client, "manager")
    page = client.get("/tasks").text
    assert "<h2 id=\"notifications-heading\">Meldingen</h2>" in page
    assert "<strong>Herinnering</strong>" in page
    assert "De stukken moeten nog worden verstuurd." in page
    assert f'href="/tasks/{task_id}">Naar de taak</a>' in page


@pytest.mark.usefixtures("reminded_task")
def test_a_reminder_is_only_for_whom_it_is_meant(client: FlaskClient) -> None:
    sign_in(client, "other")  # same role, but the task is claimed by the manager
    assert "Meldingen" not in client.get("/tasks").text


def test_govflow_notifications_lists_them(cli, reminded_task: int) -> None:
    task_id = reminded_task
    printed = cli("notifications", "--as", "manager")
    assert printed.exit_code == 0, printed.output
    assert printed.output.rstrip().endswith(
        f"reminder    De stukken moeten nog worden verstuurd.  (task {task_id})")
    rows = json.loads(cli("notifications", "--as", "manager", "--json").output)
    assert [(r["kind"], r["recipient"], r["task_id"]) for r in rows] == [
        ("reminder", "manager", task_id)]
    assert cli("notifications", "--as", "other").output == "no notifications\n"
