"""The form editor over HTTP: only a Proceseigenaar edits, saves and previews; refusals come
back in Dutch; everyone signed in reads a version's forms."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from engine import deploy
from engine.db import Database
from engine.process_owners import PROCESS_OWNER_ROLE

from ..conftest import BPMN, make_user
from .test_inbox import sign_in

KEY = "budget_cycle"
FORM = "budget-begroting-schema.json"
EDIT = f"/processen/{KEY}/formulieren/{FORM}/bewerken"


@pytest.fixture
def catalogue(db: Database) -> Database:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    make_user(db, "mia", "Manager ZVH")
    return db


def _form_data(client: FlaskClient) -> dict:
    page = client.get(EDIT)
    assert page.status_code == 200
    found = re.search(r'<script type="application/json" id="form-data">(.*?)</script>',
                      page.text, re.S)
    return json.loads(found.group(1))


def test_a_participant_may_not_edit_save_or_preview_forms(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "mia")
    assert client.get(EDIT).status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/tasks").text).group(1)
    saved = client.post(f"/processen/{KEY}/formulieren/{FORM}", json={"schema": "{}"},
                        headers={"X-CSRFToken": token})
    assert saved.status_code == 403
    previewed = client.post(f"/processen/{KEY}/formulieren/{FORM}/voorbeeld",
                            data={"csrf_token": token, "_schema": "{}", "_fresh": "1"})
    assert previewed.status_code == 403


def test_saving_answers_in_dutch_and_a_field_in_use_names_its_reader(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "olga")
    data = _form_data(client)
    url, headers = data["urls"]["save"], {"X-CSRFToken": data["csrfToken"]}
    broken = client.post(url, json={"schema": "{", "revision": None}, headers=headers)
    assert broken.status_code == 400
    assert broken.json["error"].startswith("Het formulier is geen geldige JSON")
    schema = json.loads(data["schema"])
    schema["properties"]["bedrag_basistaken"] = schema["properties"].pop("basistaken")
    schema["required"] = ["bedrag_basistaken", "plustaken", "toelichting"]
    saved = client.post(url, json={"schema": json.dumps(schema), "revision": None},
                        headers=headers)
    assert saved.status_code == 200, saved.json
    assert saved.json["revision"] == 1


def test_the_preview_renders_the_form_and_the_servers_messages(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "olga")
    data = _form_data(client)
    url = data["urls"]["preview"]
    fresh = client.post(url, data={"csrf_token": data["csrfToken"], "_schema": data["schema"],
                                   "_fresh": "1"})
    assert fresh.status_code == 200
    assert 'id="field-basistaken"' in fresh.text and "Verbeter het volgende" not in fresh.text
    tried = client.post(url, data={"csrf_token": data["csrfToken"], "_schema": data["schema"],
                                   "basistaken": "-5", "plustaken": "", "toelichting": "x"})
    assert "Verbeter het volgende" in tried.text
    bad = client.post(url, data={"csrf_token": data["csrfToken"], "_schema": '{"type": "array"}'})
    assert "Een formulier is een JSON Schema" in bad.text


def test_everyone_signed_in_reads_the_forms_of_a_version(
        client: FlaskClient, catalogue: Database) -> None:
    sign_in(client, "mia")
    version = client.get(f"/processen/{KEY}/versies/1")
    assert f"/processen/{KEY}/versies/1/formulieren/{FORM}" in version.text
    assert "bewerken in het concept" not in version.text
    form = client.get(f"/processen/{KEY}/versies/1/formulieren/{FORM}")
    assert form.status_code == 200 and "Reguliere basistaken (EUR)" in form.text
    assert client.get(f"/processen/{KEY}/versies/1/formulieren/geen-schema.json"
                      ).status_code == 404
