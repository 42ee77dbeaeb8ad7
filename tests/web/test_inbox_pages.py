"""The inbox a page at a time: 50 tasks a page, newest first, the filters kept from page to
page, a count that stops at 1,000, and who may do a task decided in one query (the role for
the instance's body, within its dates, and four eyes)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import time_machine
from flask import Flask
from sqlalchemy import insert

from engine import instances, tasks
from engine.db import Database
from engine.models import HumanTask

from ..conftest import deploy_data, make_user
from .test_inbox import sign_in

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<th scope="row"><a href="/tasks/(\d+)"', html)]


def _next(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_inbox_pages_by_fifty_newest_first(app: Flask, db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy_data(db, "two_lanes.bpmn", "script_step.bpmn")
    with time_machine.travel(START, tick=False) as clock:  # the tasks' times, nothing else
        for n in range(110):
            clock.move_to(START + timedelta(minutes=n // 2))  # two tasks a minute
            instances.start_instance(db, "two_lanes" if n % 10 else "script_step", actor="mia")
    client = app.test_client()
    sign_in(client, "mia")
    everything = [t.id for t in tasks.inbox(db, "mia")]
    pages, path = [], "/tasks"
    while path:
        page = client.get(path)
        assert page.status_code == 200
        pages.append(_listed(page.text))
        path = _next(page.text)
    assert [len(p) for p in pages] == [50, 50, 10]
    assert [i for p in pages for i in p] == everything  # newest first, none twice
    assert "110 taken" in client.get("/tasks").text

    filtered = client.get("/tasks?process=script_step")
    assert len(_listed(filtered.text)) == 11 and _next(filtered.text) is None
    first = client.get("/tasks?process=two_lanes")
    second = client.get(_next(first.text) or "")
    assert "process=two_lanes" in (_next(first.text) or "")
    assert len(_listed(first.text)) + len(_listed(second.text)) == 99
    assert "Eerste pagina" in second.text
    assert client.get("/tasks?na=not-a-cursor").status_code == 200  # the first page


def test_the_count_stops_at_a_thousand(app: Flask, db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy_data(db, "two_lanes.bpmn")
    instance = instances.start_instance(db, "two_lanes", actor="mia")
    with db.transaction() as session:
        session.execute(insert(HumanTask), [
            {"instance_id": instance.id, "spiff_task_id": str(uuid.uuid4()),
             "element_id": "draft", "name": f"Taak {n}", "role": "Manager ZVH",
             "state": "open", "personal": False, "created_at": START + timedelta(seconds=n)}
            for n in range(1000)])
    client = app.test_client()
    sign_in(client, "mia")
    page = client.get("/tasks")
    assert "Meer dan 1.000 taken" in page.text
    assert len(_listed(page.text)) == 50


def test_who_may_do_a_task_is_decided_in_the_query(db: Database) -> None:
    """MTG-8: a body role covers that body's instances only; an ended role covers nothing;
    a task meant for someone else is theirs alone."""
    from engine.identity import end_role

    with time_machine.travel(START, tick=False) as clock:
        make_user(db, "sara", "Secretaris", scope="regiekamer")
        make_user(db, "gerda", "Secretaris", scope="stuurgroep")
        make_user(db, "mia", "Manager ZVH")
        deploy_data(db, "papers.bpmn")
        regiekamer = instances.start_instance(db, "papers", actor="sara", scope="regiekamer")
        instances.start_instance(db, "papers", actor="gerda", scope="stuurgroep")
        assert [t.instance_id for t in tasks.inbox(db, "sara")] == [regiekamer.id]
        assert tasks.inbox(db, "mia") == []
        end_role(db, "sara", "Secretaris", scope="regiekamer")  # today is her last day
        assert len(tasks.inbox(db, "sara")) == 1
        clock.move_to(START + timedelta(days=2))
        assert tasks.inbox(db, "sara") == []
