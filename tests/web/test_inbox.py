"""The inbox pages through Flask's test client: sign-in, cookies, CSRF, the rate limit, who may
see what, filters, claim and unclaim, and a task completed by someone else meanwhile."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from engine import deploy, instances, tasks
from engine.clock import now
from engine.db import Database
from engine.models import HumanTask, ProcessInstance

from ..conftest import BPMN, start_budget_cycle
from ..processes.meeting_support import deploy_governance, make_members

DRAFT = "Begroting opstellen"


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: FlaskClient, username: str, password: str | None = None):
    token = csrf_of(client.get("/sign-in").text)
    return client.post("/sign-in", data={"csrf_token": token, "username": username,
                                         "password": password or "password-" + username})


def post(client: FlaskClient, path: str, data: dict[str, str] | None = None, page: str = "/tasks"):
    return client.post(path, data={"csrf_token": csrf_of(client.get(page).text), **(data or {})})


@pytest.fixture
def cycle(db: Database) -> ProcessInstance:
    return start_cycle(db)


def start_cycle(db: Database) -> ProcessInstance:
    """Two managers and a netwerksecretaris; a budget cycle waiting for its draft."""
    return start_budget_cycle(db, (("mia", "Manager ZVH"), ("max", "Manager ZVH"),
                                   ("nina", "Netwerksecretaris")))


def draft_id(db: Database) -> int:
    return next(t.id for t in tasks.inbox(db, "mia") if t.name == DRAFT)


def test_pages_need_a_signed_in_user(db: Database, client: FlaskClient, cycle) -> None:
    assert client.get("/").location == "/tasks"
    response = client.get("/tasks")
    assert response.status_code == 302 and response.location.startswith("/sign-in?next=")
    assert client.get(f"/tasks/{draft_id(db)}").status_code == 302


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(
        client: FlaskClient, cycle) -> None:
    wrong, unknown = sign_in(client, "mia", "not-her-password"), sign_in(client, "nobody")
    assert wrong.status_code == unknown.status_code == 200
    message = "De gebruikersnaam of het wachtwoord klopt niet."
    assert message in wrong.text and message in unknown.text
    assert client.get("/tasks").status_code == 302


def test_signing_in_and_out_and_the_session_cookie(client: FlaskClient, cycle) -> None:
    response = sign_in(client, "mia")
    assert response.location == "/tasks"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert DRAFT in client.get("/tasks").text
    assert post(client, "/sign-out").location == "/sign-in"
    assert client.get("/tasks").status_code == 302


def test_the_session_cookie_is_secure_over_https(app: Flask, cycle) -> None:
    client = app.test_client()
    token = csrf_of(client.get("/sign-in", base_url="https://localhost").text)
    response = client.post("/sign-in", base_url="https://localhost",
                           data={"csrf_token": token, "username": "mia",
                                 "password": "password-mia"})
    assert "Secure" in response.headers["Set-Cookie"]


def test_sign_in_goes_back_to_the_page_asked_for_but_never_elsewhere(
        client: FlaskClient, cycle) -> None:
    token = csrf_of(client.get("/sign-in").text)
    data = {"csrf_token": token, "username": "mia", "password": "password-mia"}
    assert client.post("/sign-in?next=/tasks%3Flate%3D1", data=data).location == "/tasks?late=1"
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = csrf_of(client.get("/sign-in").text)
        response = client.post("/sign-in", query_string={"next": elsewhere},
                               data=data | {"csrf_token": token})
        assert response.location == "/tasks"


def test_forms_without_the_csrf_token_are_refused(db: Database, client: FlaskClient,
                                                  cycle) -> None:
    response = client.post("/sign-in", data={"username": "mia", "password": "password-mia"})
    assert response.status_code == 400
    assert "verlopen" in response.text
    sign_in(client, "mia")
    assert client.post(f"/tasks/{draft_id(db)}/claim").status_code == 400


def test_repeated_failed_sign_ins_are_slowed_down(app: Flask, cycle) -> None:
    """Five failures a minute per username (and per address); then even the right password
    waits, until the minute has passed."""
    client = app.test_client()
    with time_machine.travel(now(), tick=False) as clock:
        for _ in range(5):
            assert sign_in(client, "mia", "guess").status_code == 200
        refused = sign_in(client, "mia")
        assert refused.status_code == 429
        assert "Te veel mislukte pogingen" in refused.text
        clock.shift(timedelta(seconds=61))
        assert sign_in(client, "mia").location == "/tasks"


def test_a_successful_sign_in_does_not_count_as_a_failure(app: Flask, cycle) -> None:
    client = app.test_client()
    for _ in range(7):
        assert sign_in(client, "mia").location == "/tasks"


def test_another_users_task_gives_404_and_none_of_its_data(
        db: Database, client: FlaskClient, cycle) -> None:
    task_id = draft_id(db)
    sign_in(client, "nina")
    for response in (client.get(f"/tasks/{task_id}"),
                     post(client, f"/tasks/{task_id}", {"toelichting": "x"}),
                     post(client, f"/tasks/{task_id}/claim")):
        assert response.status_code == 404
        assert DRAFT not in response.text and "Begroting 2027" not in response.text
    assert client.get("/tasks/999999").status_code == 404
    assert tasks.get_task(db, task_id).state == "open"


def test_claim_and_unclaim_from_the_inbox(db: Database, client: FlaskClient, cycle) -> None:
    task_id = draft_id(db)
    sign_in(client, "mia")
    page = client.get(post(client, f"/tasks/{task_id}/claim").location).text
    assert "U hebt “Begroting opstellen” opgepakt." in page and "Door u opgepakt" in page
    assert tasks.get_task(db, task_id).assignee == "mia"
    sign_in(client, "max")  # the other manager no longer sees it in his inbox
    assert DRAFT not in client.get("/tasks").text
    sign_in(client, "mia")
    page = client.get(post(client, f"/tasks/{task_id}/unclaim").location).text
    assert "ligt weer bij iedereen met de rol" in page
    assert tasks.get_task(db, task_id).assignee is None


def test_a_task_completed_by_someone_else_meanwhile_says_so(
        db: Database, client: FlaskClient, cycle) -> None:
    task_id = draft_id(db)
    sign_in(client, "mia")
    token = csrf_of(client.get(f"/tasks/{task_id}").text)  # mia opens the form ...
    tasks.complete_task(db, task_id, "max", {"basistaken": 1, "plustaken": 0,
                                             "toelichting": "Door max."})  # ... max is quicker
    response = client.post(f"/tasks/{task_id}", data={
        "csrf_token": token, "basistaken": "2", "plustaken": "0", "toelichting": "Door mia."})
    page = client.get(response.location).text
    assert "Deze taak is al afgerond door max" in page
    assert "Taak afronden" not in page
    assert tasks.get_task(db, task_id).completed_by == "max"


def test_the_inbox_filters_by_process_and_by_late(db: Database, client: FlaskClient,
                                                  cycle) -> None:
    deploy.deploy(db, [BPMN / "member_admission.bpmn", BPMN / "forms"], "tester")
    report = instances.start_instance(db, "budget_cycle", title="Jaarverslag 2026",
                                      data={"document": "jaarverslag"}, actor="mia")
    with db.transaction() as session:
        session.execute(update(HumanTask).where(HumanTask.instance_id == report.id)
                        .values(due_at=now() - timedelta(days=2)))
    sign_in(client, "mia")
    everything = client.get("/tasks").text
    assert "Begroting 2027" in everything and "Jaarverslag 2026" in everything
    assert everything.count(">Te laat<") == 1  # in words, not only in colour
    late = client.get("/tasks?late=1").text
    assert "Jaarverslag 2026" in late and "Begroting 2027" not in late
    chosen = client.get("/tasks?process=budget_cycle").text
    assert "Begroting 2027" in chosen
    assert "Geen taken gevonden" in client.get("/tasks?process=member_admission").text


def test_the_language_is_dutch_by_default_and_english_on_request(
        client: FlaskClient, cycle) -> None:
    assert '<html lang="nl">' in client.get("/sign-in").text
    response = post(client, "/language", {"language": "en", "next": "/sign-in"}, page="/sign-in")
    assert response.location == "/sign-in"
    page = client.get("/sign-in").text
    assert '<html lang="en">' in page and "Username" in page
    sign_in(client, "mia")  # the choice survives signing in
    assert "My tasks" in client.get("/tasks").text
    post(client, "/language", {"language": "xx", "next": "https://evil.example"})
    assert "My tasks" in client.get("/tasks").text


def test_a_vote_is_a_task_like_any_other(db: Database, client: FlaskClient) -> None:
    """DEC-1: a member votes through the task page; another member's ballot stays hidden."""
    deploy_governance(db)
    make_members(db, "regiekamer")
    instances.start_instance(
        db, "decision", title="Besluit regiekamer", actor="sara", scope="regiekamer",
        data={"orgaan": "regiekamer", "aanwezigen": ["anna", "bert"], "afwezigen": [],
              "agendapunt": {"titel": "Werkproces", "voorstel": "Vaststellen.", "bron": "lid"}})
    ballot = next(t for t in tasks.inbox(db, "anna") if t.name == "Stemmen")
    sign_in(client, "bert")
    assert client.get(f"/tasks/{ballot.id}").status_code == 404  # anna's ballot
    sign_in(client, "anna")
    page = client.get(f"/tasks/{ballot.id}").text
    assert "Voor u bestemd" in client.get("/tasks").text
    assert 'type="radio"' in page and 'value="onthouding"' in page
    assert '<textarea id="field-stemverklaring"' in page
    refused = post(client, f"/tasks/{ballot.id}", {}, page=f"/tasks/{ballot.id}")
    assert refused.status_code == 422 and "Kies een antwoord." in refused.text
    done = post(client, f"/tasks/{ballot.id}", {"stemkeuze": "voor"}, page=f"/tasks/{ballot.id}")
    assert done.location == "/tasks"
    assert tasks.get_task(db, ballot.id).state == "completed"
