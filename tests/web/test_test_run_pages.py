"""The test run's pages over HTTP (issue 12): only process owners, each their own runs; the start
form and task forms are the inbox's, with its Dutch messages; the clock moves; nothing of it
reaches the live database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from engine import drafts, tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.deploy import deploy
from engine.notifications import notifications_for
from engine.process_owners import PROCESS_OWNER_ROLE

from ..conftest import BPMN, make_user
from .test_inbox import csrf_of, sign_in

MONDAY = datetime(2027, 3, 8, 10, 0, tzinfo=LOCAL_ZONE)
START_FORM = {"orgaan": "stuurgroep", "agendapunt-titel": "Werkproces",
              "agendapunt-voorstel": "Het werkproces vaststellen.",
              "agendapunt-beslistermijn": "P7D",
              "aanwezigen": "voorzitter.stuurgroep\nlid.stuurgroep"}


@pytest.fixture
def owner_app(app: Flask, db: Database, tmp_path: Path) -> Iterator[Flask]:
    app.config["TEST_RUN_FOLDER"] = str(tmp_path / "runs")
    with time_machine.travel(MONDAY, tick=False):
        deploy(db, [BPMN / "decision.bpmn", BPMN / "forms"], "tester")
        make_user(db, "olga", PROCESS_OWNER_ROLE)
        make_user(db, "otto", PROCESS_OWNER_ROLE)
        make_user(db, "lid.stuurgroep", "Lid", scope="stuurgroep")
        yield app


def _new_run(client: FlaskClient) -> str:
    token = csrf_of(client.get("/processen/decision").text)
    made = client.post("/processen/decision/proefrit", data={"csrf_token": token})
    assert made.status_code == 303
    return made.headers["Location"]


def _post(client: FlaskClient, url: str, page: str, data: dict[str, str]):
    return client.post(url, data={"csrf_token": csrf_of(client.get(page).text), **data})


def _task_link(html: str, person: str) -> str:
    found = re.search(r'<form method="get" action="([^"]+)"[^>]*>\s*<label[^>]*>[^<]*</label>\s*'
                      r'<select[^>]*>\s*<option value="' + re.escape(person) + '"', html)
    return found.group(1)


def test_a_participant_gets_403_and_another_owner_404(owner_app: Flask, db: Database) -> None:
    client = owner_app.test_client()
    sign_in(client, "olga")
    run = _new_run(client)
    assert client.get(run).status_code == 200
    assert client.get(run.replace("/decision/", "/meeting/")).status_code == 404
    assert client.get("/processen/decision/proefrit/AAAAAAAAAAAAAAAA").status_code == 404
    other = owner_app.test_client()
    sign_in(other, "otto")
    assert other.get(run).status_code == 404
    token = csrf_of(other.get("/processen").text)
    assert other.post(run + "/weggooien", data={"csrf_token": token}).status_code == 404
    participant = owner_app.test_client()
    sign_in(participant, "lid.stuurgroep")
    token = csrf_of(participant.get("/processen").text)
    assert participant.get(run).status_code == 403
    assert participant.post("/processen/decision/proefrit",
                            data={"csrf_token": token}).status_code == 403
    assert "Proefrit" not in participant.get("/processen/decision").text


def test_dec1_an_owner_starts_votes_moves_the_clock_and_throws_the_run_away(
        owner_app: Flask, db: Database) -> None:
    """DEC-1, DEC-5: one of two votes by the term is no majority: the escalation is shown in
    the run, and the real lid.stuurgroep's inbox and notifications stay as they were."""
    client = owner_app.test_client()
    sign_in(client, "olga")
    run = _new_run(client)
    page = client.get(run).text
    assert "Proefrit" in page and 'name="agendapunt-titel"' in page
    refused = _post(client, run + "/start", run, {"orgaan": "stuurgroep"})
    assert refused.status_code == 422
    assert "Vul dit veld in." in refused.text and 'class="error-summary"' in refused.text
    started = _post(client, run + "/start", run, START_FORM)
    assert started.status_code == 303, re.findall(r"<li>.*?</li>", started.text)[:5]

    page = client.get(run).text
    assert "Stemmen" in page and 'id="testrun-data"' in page
    task = _task_link(page, "lid.stuurgroep")
    form = client.get(task + "?als=lid.stuurgroep")
    assert form.status_code == 200 and 'name="stemkeuze"' in form.text
    assert client.get(task + "?als=otto").status_code == 303  # not someone who may do it
    wrong = _post(client, task, task + "?als=lid.stuurgroep",
                  {"als": "lid.stuurgroep", "stemkeuze": "misschien"})
    assert wrong.status_code == 422 and "Kies een van de mogelijkheden." in wrong.text
    done = _post(client, task, task + "?als=lid.stuurgroep",
                 {"als": "lid.stuurgroep", "stemkeuze": "voor"})
    assert done.status_code == 303

    assert _post(client, run + "/klok", run, {"naar": "volgende"}).status_code == 303
    moved = client.get(run).text
    assert "Afgegane timers: 1." in moved and "Herinnering" in moved
    back = _post(client, run + "/klok", run, {"naar": "datum", "datum": "2027-03-01"})
    assert back.status_code == 400 and "De klok van een proefrit gaat alleen vooruit" in back.text
    bad = _post(client, run + "/klok", run, {"naar": "datum", "datum": "morgen"})
    assert bad.status_code == 400 and "Vul een datum in" in bad.text
    _post(client, run + "/klok", run, {"naar": "datum", "datum": "2027-03-16", "tijd": "09:00"})
    page = client.get(run).text
    assert "Escalatie" in page and "Voorzitter (dvo)" in page and "Voorzitter DVO" in page
    assert [t.name for t in tasks.inbox(db, "lid.stuurgroep")] == []
    with db.reading() as session:
        assert notifications_for(session, "lid.stuurgroep") == []

    assert _post(client, run + "/weggooien", run, {}).status_code == 303
    assert client.get(run).status_code == 404


def test_restart_keeps_the_start_data_and_signing_out_ends_the_run(owner_app: Flask) -> None:
    client = owner_app.test_client()
    sign_in(client, "olga")
    run = _new_run(client)
    _post(client, run + "/start", run, START_FORM)
    again = _post(client, run + "/opnieuw", run, {})
    assert again.status_code == 303 and again.headers["Location"] != run
    assert client.get(run).status_code == 404  # replaced by the new run
    page = client.get(again.headers["Location"]).text
    assert 'value="Werkproces"' in page and "lid.stuurgroep</textarea>" in page
    assert "Verder met uw proefrit" in client.get("/processen/decision").text
    _post(client, "/sign-out", "/processen", {})
    sign_in(client, "olga")
    assert client.get(again.headers["Location"]).status_code == 404


def test_the_editor_calls_it_with_json_and_hears_of_problems_in_dutch(
        owner_app: Flask, db: Database) -> None:
    client = owner_app.test_client()
    sign_in(client, "olga")
    token = csrf_of(client.get("/processen/decision").text)
    made = client.post("/processen/decision/proefrit", json={},
                       headers={"X-CSRFToken": token})
    assert made.status_code == 201 and made.json["url"].startswith("/processen/decision/proefrit/")
    xml = (BPMN / "decision.bpmn").read_text().replace('<bpmn:timeDuration>"P7D"',
                                                       "<bpmn:timeDuration>elke week")
    drafts.save_draft(db, "decision", xml, "olga", None)
    refused = client.post("/processen/decision/proefrit", json={},
                          headers={"X-CSRFToken": token})
    assert refused.status_code == 400
    assert refused.json["error"].startswith("De proefrit kan niet starten")
    assert any(p["element"] == "termijn_inbreng_verstreken" for p in refused.json["problems"])
    page = client.post("/processen/decision/proefrit", data={"csrf_token": token})
    assert page.status_code == 400 and "De proefrit kan niet starten" in page.text
