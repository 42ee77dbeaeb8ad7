"""The process owners' pages over HTTP: everyone signed in looks, only a Proceseigenaar changes;
the editor's calls save, check and deploy drafts and answer in Dutch."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from engine import deploy, instances
from engine.db import Database
from engine.process_owners import PROCESS_OWNER_ROLE

from ..conftest import BPMN, make_user
from .test_inbox import csrf_of, sign_in

KEY = "budget_cycle"


@pytest.fixture
def catalogue(db: Database) -> Database:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "decision.bpmn", BPMN / "forms"],
                  "tester")
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    make_user(db, "otto", PROCESS_OWNER_ROLE)
    make_user(db, "mia", "Manager ZVH")
    return db


def _editor_data(client: FlaskClient, key: str = KEY) -> dict:
    page = client.get(f"/processen/{key}/bewerken")
    assert page.status_code == 200
    found = re.search(r'<script type="application/json" id="editor-data">(.*?)</script>',
                      page.text, re.S)
    return json.loads(found.group(1))


def _call(client: FlaskClient, data: dict, url: str, body: dict):
    return client.post(url, json=body, headers={"X-CSRFToken": data["csrfToken"]})


def test_everyone_signed_in_sees_the_catalogue_and_the_versions(
        client: FlaskClient, catalogue: Database) -> None:
    assert client.get("/processen").status_code == 302  # signed out: to the sign-in page
    sign_in(client, "mia")
    page = client.get("/processen")
    assert page.status_code == 200
    assert "Begroting en jaarverslag" in page.text and "Besluitvorming agendapunt" in page.text
    assert "Nieuw proces" not in page.text
    versions = client.get(f"/processen/{KEY}")
    assert versions.status_code == 200 and "Bewerken" not in versions.text
    viewer = client.get(f"/processen/{KEY}/versies/1")
    assert viewer.status_code == 200 and 'id="viewer-data"' in viewer.text
    download = client.get(f"/processen/{KEY}/versies/1.bpmn")
    assert download.headers["Content-Disposition"] == 'attachment; filename="budget_cycle-v1.bpmn"'
    assert download.text.startswith("<?xml") and 'id="budget_cycle"' in download.text
    assert client.get("/processen/onbekend").status_code == 404
    assert client.get(f"/processen/{KEY}/versies/9").status_code == 404


def test_a_participant_may_not_edit_deploy_or_add_roles(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "mia")
    token = csrf_of(client.get("/processen").text)
    for path in (f"/processen/{KEY}/bewerken", "/processen/nieuw"):
        refused = client.get(path)
        assert refused.status_code == 403 and "Dit mag u niet doen." in refused.text
    for path, body in ((f"/processen/{KEY}/concept", {"xml": "<x/>", "revision": None}),
                       (f"/processen/{KEY}/publiceren", {"revision": 1, "note": "x"}),
                       (f"/processen/{KEY}/controleren", {"xml": "<x/>"}),
                       ("/processen/rollen", {"name": "Nieuw"})):
        assert client.post(path, json=body, headers={"X-CSRFToken": token}).status_code == 403


def test_an_owner_saves_checks_and_deploys_from_the_editor(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "olga")
    data = _editor_data(client)
    assert data["revision"] is None and "budget-begroting-schema.json" in data["forms"]
    assert "Manager ZVH" in {r["name"] for r in data["roles"]}
    broken = data["xml"].replace("R/2025-09-01T09:00/P1Y", "elke week")
    checked = _call(client, data, data["urls"]["check"], {"xml": broken}).get_json()
    assert {p["element"] for p in checked["problems"]} == {"start_budget_year"}
    assert all("elke week" in p["message"] for p in checked["problems"])
    renamed = data["xml"].replace('name="Begroting opstellen"', 'name="Begroting voorbereiden"')
    saved = _call(client, data, data["urls"]["save"], {"xml": renamed, "revision": None})
    assert saved.status_code == 200 and saved.get_json()["revision"] == 1
    assert saved.get_json()["problems"] == []
    no_note = _call(client, data, data["urls"]["deploy"], {"revision": 1, "note": ""})
    assert no_note.status_code == 400 and "wijzigingsnotitie" in no_note.get_json()["error"]
    deployed = _call(client, data, data["urls"]["deploy"],
                     {"revision": 1, "note": "Taak hernoemd"})
    assert deployed.status_code == 200 and deployed.get_json()["version"] == 2
    page = client.get(deployed.get_json()["url"])
    assert "Taak hernoemd" in page.text and "Versie 2 is gepubliceerd" in page.text


def test_the_second_of_two_owners_saving_stale_copies_gets_a_conflict(
        client: FlaskClient, app, catalogue: Database) -> None:
    other = app.test_client()
    sign_in(client, "olga")
    sign_in(other, "otto")
    olga, otto = _editor_data(client), _editor_data(other)
    first = _call(client, olga, olga["urls"]["save"],
                  {"xml": olga["xml"].replace("Begroting opstellen", "Olga"), "revision": None})
    assert first.status_code == 200
    second = _call(other, otto, otto["urls"]["save"],
                   {"xml": otto["xml"].replace("Begroting opstellen", "Otto"), "revision": None})
    assert second.status_code == 409
    assert "Niets van u is opgeslagen" in second.get_json()["error"]
    reloaded = _editor_data(other)
    assert reloaded["revision"] == 1 and 'name="Olga"' in reloaded["xml"]


def test_an_owner_makes_a_new_process_and_a_role(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "olga")
    token = csrf_of(client.get("/processen/nieuw").text)
    bad = client.post("/processen/nieuw", data={"csrf_token": token, "key": "1 fout",
                                                "name": "Huisbezoek"})
    assert bad.status_code == 400 and "geen geldige" in bad.text
    made = client.post("/processen/nieuw", data={"csrf_token": token, "key": "huisbezoek",
                                                 "name": "Huisbezoek plannen"})
    assert made.status_code == 302 and made.headers["Location"].endswith(
        "/processen/huisbezoek/bewerken")
    data = _editor_data(client, "huisbezoek")
    assert data["revision"] == 1 and "Huisbezoek plannen" in data["xml"]
    role = _call(client, data, data["urls"]["addRole"],
                 {"name": "Wijkcoördinator", "description": "Coördineert wijkteams"})
    assert role.status_code == 201 and role.get_json()["name"] == "Wijkcoördinator"
    again = _call(client, data, data["urls"]["addRole"], {"name": "wijkcoördinator"})
    assert again.status_code == 400 and "bestaat al" in again.get_json()["error"]
    catalogue_page = client.get("/processen")
    assert "huisbezoek" in catalogue_page.text and "nog niet gepubliceerd" in catalogue_page.text


def test_a_version_page_counts_the_instances_running_on_it(
        client: FlaskClient, catalogue: Database) -> None:
    instances.start_instance(catalogue, KEY, title="Begroting 2027",
                             data={"jaar": 2027, "document": "begroting"}, actor="mia")
    sign_in(client, "olga")
    page = client.get(f"/processen/{KEY}")
    row = re.search(r"<th scope=\"row\">1</th>(.*?)</tr>", page.text, re.S).group(1)
    assert "<td>1</td>" in row
