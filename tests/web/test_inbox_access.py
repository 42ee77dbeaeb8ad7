"""Who gets in and for how long: task ids out of range, who may see a personal task, the
earlier answers a voter reads, the sign-in rate limit, signing out for good, idle sessions and
forms that outlive their token."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from engine import identity, instances, tasks
from engine.clock import now, today
from engine.db import Database
from engine.models import HumanTask, ProcessInstance
from web import create_app
from web.database import get_db

from ..conftest import make_user
from ..processes.meeting_support import deploy_governance, make_members
from .test_inbox import DRAFT, csrf_of, draft_id, post, sign_in, start_cycle


@pytest.fixture
def cycle(db: Database) -> ProcessInstance:
    return start_cycle(db)


def start_decision(db: Database, present: list[str], absent: list[str] | None = None):
    return instances.start_instance(
        db, "decision", title="Besluit regiekamer", actor="sara", scope="regiekamer",
        data={"orgaan": "regiekamer", "aanwezigen": present, "afwezigen": absent or [],
              "agendapunt": {"titel": "Werkproces", "voorstel": "Vertrouwelijk voorstel.",
                             "bron": "lid"}})


@pytest.mark.parametrize("path", ["/tasks/99999999999999999999", "/tasks/2147483648",
                                  "/tasks/0", "/tasks/-1"])
def test_task_ids_out_of_range_are_not_found(client: FlaskClient, cycle, path: str) -> None:
    sign_in(client, "mia")
    assert client.get(path).status_code == 404
    assert post(client, path, {"toelichting": "x"}).status_code == 404
    assert post(client, path + "/claim").status_code == 404


def test_a_personal_task_is_hidden_from_whoever_lacks_its_role(db: Database,
                                                                client: FlaskClient) -> None:
    """MTG-8: a ballot whose member left the body shows that person nothing of the case any
    more, nor can they vote; nobody else sees or casts another member's ballot. (A ballot for
    someone outside the body is never made: tests/engine/test_personal_tasks.py.)"""
    deploy_governance(db)
    make_members(db, "regiekamer", "stuurgroep")
    make_user(db, "nemo")  # no role at all
    start_decision(db, ["anna", "bert"])
    with db.reading() as session:
        ballots = {t.assignee: t.id for t in session.scalars(
            select(HumanTask).where(HumanTask.name == "Stemmen"))}
    with db.transaction() as session:  # bert's membership ended yesterday
        for held in identity.find_user(session, "bert").assignments:
            held.valid_from, held.valid_until = today() - timedelta(days=9), today() - timedelta(1)
    for outsider, ballot in (("bert", "bert"), ("stef", "anna"), ("nemo", "anna")):
        sign_in(client, outsider)
        page = client.get(f"/tasks/{ballots[ballot]}")
        assert page.status_code == 404 and "Besluit regiekamer" not in page.text
        vote = post(client, f"/tasks/{ballots[ballot]}", {"stemkeuze": "tegen"})
        assert vote.status_code == 404
        assert tasks.get_task(db, ballots[ballot]).state == "open"
    sign_in(client, "anna")  # a member may not vote in another member's place either
    assert post(client, f"/tasks/{ballots['bert']}", {"stemkeuze": "voor"}).status_code == 404
    assert "Besluit regiekamer" in client.get(f"/tasks/{ballots['anna']}").text


def test_who_completed_a_task_and_lost_the_role_sees_only_that_it_is_done(
        db: Database, client: FlaskClient, cycle) -> None:
    task_id = draft_id(db)
    tasks.complete_task(db, task_id, "mia", {"basistaken": 1, "plustaken": 0,
                                             "toelichting": "Geheime toelichting."})
    with db.transaction() as session:
        for held in identity.find_user(session, "mia").assignments:  # her role has ended
            held.valid_from, held.valid_until = today() - timedelta(days=9), today() - timedelta(1)
    sign_in(client, "mia")
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and "al afgerond door mia" in page.text
    assert "Geheime toelichting." not in page.text and "Taak afronden" not in page.text


def test_voters_read_the_written_input_of_absent_members_but_no_other_ballot(
        db: Database, client: FlaskClient) -> None:
    """DEC-2: absent members' written input goes with the vote; DEC-1: a ballot is its voter's."""
    deploy_governance(db)
    make_members(db, "regiekamer")
    start_decision(db, ["anna", "bert"], absent=["carl", "dirk"])
    for absent, text in (("carl", "Inbreng van carl."), ("dirk", "Inbreng van dirk.")):
        written = next(t for t in tasks.inbox(db, absent) if t.name != "Stemmen")
        tasks.complete_task(db, written.id, absent, {"standpunt": "bezwaar", "toelichting": text})
    ballots = {name: next(t.id for t in tasks.inbox(db, name) if t.name == "Stemmen")
               for name in ("anna", "bert")}
    tasks.complete_task(db, ballots["anna"], "anna", {"stemkeuze": "tegen",
                                                      "stemverklaring": "Stem van anna."})
    sign_in(client, "bert")
    page = client.get(f"/tasks/{ballots['bert']}").text
    assert "Inbreng van carl." in page and "Inbreng van dirk." in page
    assert "Stem van anna." not in page


def test_parallel_sign_ins_cannot_slip_past_the_limit(app: Flask, cycle, monkeypatch) -> None:
    """Each attempt counts before its password is checked: attempts made while another is still
    being checked (here: from inside that check) are counted with it."""
    checks = []
    verify = identity.verify_password

    def slow_verify(db, username, password):
        checks.append(username)
        if len(checks) == 1:  # while the first is checked, nine more arrive (in a thread of
            others = threading.Thread(target=lambda: [  # their own, as a server has them)
                sign_in(app.test_client(), "mia", "guess") for _ in range(9)])
            others.start()
            others.join()
        return verify(db, username, password)

    monkeypatch.setattr(identity, "verify_password", slow_verify)
    with time_machine.travel(now(), tick=False):
        sign_in(app.test_client(), "mia", "guess")
    assert len(checks) == 5  # LOGIN_RATE_LIMIT: 5 per minute


def test_failures_from_one_address_do_not_lock_the_user_out_elsewhere(app: Flask, cycle) -> None:
    attacker, owner = app.test_client(), app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "192.0.2.66"
    with time_machine.travel(now(), tick=False):
        for _ in range(5):
            assert sign_in(attacker, "mia", "guess").status_code == 200
        assert sign_in(attacker, "mia").status_code == 429
        assert sign_in(owner, "mia").location == "/tasks"


def test_a_users_failures_from_all_addresses_refuse_wrong_passwords_only(app: Flask,
                                                                         cycle) -> None:
    """LOGIN_USER_RATE_LIMIT (20 failures a minute) holds across addresses: past it a wrong
    password is refused from anywhere, but the right one still signs in."""
    with time_machine.travel(now(), tick=False):
        for i in range(20):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"192.0.2.{i + 1}"
            assert sign_in(client, "mia", "guess").status_code == 200
        assert sign_in(app.test_client(), "mia", "guess").status_code == 429
        assert sign_in(app.test_client(), "mia").location == "/tasks"


def test_a_session_cookie_is_worthless_after_signing_out(app: Flask, cycle) -> None:
    client = app.test_client()
    sign_in(client, "mia")
    copied = client.get_cookie("session").value
    other_device = app.test_client()
    sign_in(other_device, "mia")
    post(client, "/sign-out")
    replay = app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get("/tasks").status_code == 302
    assert other_device.get("/tasks").status_code == 302  # signing out ends every session


def test_a_session_lapses_after_hours_without_a_request(app: Flask, cycle) -> None:
    client = app.test_client()
    with time_machine.travel(now(), tick=False) as clock:
        sign_in(client, "mia")
        clock.shift(timedelta(hours=7))
        assert client.get("/tasks").status_code == 200  # and this request renews it
        clock.shift(timedelta(hours=7))
        assert client.get("/tasks").status_code == 200
        clock.shift(timedelta(hours=8, minutes=1))
        assert client.get("/tasks").status_code == 302


def test_a_form_open_for_hours_can_still_be_sent(db: Database, client: FlaskClient,
                                                 cycle) -> None:
    task_id = draft_id(db)
    with time_machine.travel(now(), tick=False) as clock:
        sign_in(client, "mia")
        token = csrf_of(client.get(f"/tasks/{task_id}").text)
        clock.shift(timedelta(hours=2))
        done = client.post(f"/tasks/{task_id}", data={
            "csrf_token": token, "basistaken": "1", "plustaken": "0", "toelichting": "Na 2 uur."})
    assert done.location == "/tasks"
    assert tasks.get_task(db, task_id).state == "completed"


def test_a_task_form_with_a_stale_token_comes_back_with_what_was_typed(
        db: Database, client: FlaskClient, cycle) -> None:
    """Signing in again elsewhere renews the token; the open form keeps its text."""
    task_id = draft_id(db)
    sign_in(client, "mia")
    stale = csrf_of(client.get(f"/tasks/{task_id}").text)
    sign_in(client, "mia")
    page = client.post(f"/tasks/{task_id}", data={
        "csrf_token": stale, "basistaken": "1", "plustaken": "0",
        "toelichting": "Een uur aan getypt."})
    assert page.status_code == 400
    assert "Dit formulier was verlopen" in page.text and "Een uur aan getypt." in page.text
    assert DRAFT in page.text and tasks.get_task(db, task_id).state == "open"
    token = csrf_of(page.text)  # the page's fresh token works
    done = client.post(f"/tasks/{task_id}", data={
        "csrf_token": token, "basistaken": "1", "plustaken": "0", "toelichting": "Verstuurd."})
    assert done.location == "/tasks"


def test_behind_a_proxy_its_forwarded_address_and_https_count(db: Database, cycle) -> None:
    """GOVFLOW_PROXY_COUNT=1: each client is limited by its own address, not the proxy's, and
    the cookie is Secure when the proxy was reached over HTTPS."""
    app = create_app({"TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "test",
                      "PROXY_COUNT": 1})
    try:
        with time_machine.travel(now(), tick=False):
            for address in ("192.0.2.1", "192.0.2.2"):
                client = app.test_client()
                client.environ_base.update(HTTP_X_FORWARDED_FOR=address,
                                           HTTP_X_FORWARDED_PROTO="https",
                                           HTTP_REFERER="https://localhost/sign-in")
                for _ in range(5):
                    assert sign_in(client, "mia", "guess").status_code == 200
            signed_in = sign_in(client, "max")
            assert signed_in.location == "/tasks" and "Secure" in signed_in.headers["Set-Cookie"]
            assert sign_in(client, "mia").status_code == 429
    finally:
        with app.app_context():
            get_db().dispose()
