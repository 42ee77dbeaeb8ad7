"""The diff page over HTTP: everyone signed in compares two versions (by default the latest and
the one before), reads the changes in Dutch and gets the markers for the diagram; wrong
choices get a message, unknown versions a 404, never a 500."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from engine import deploy
from engine.db import Database
from engine.diagrams import Source, read_sources

from ..conftest import BPMN, DATA, deploy_data, make_user
from .meeting_versions import KEY, deploy_two_meetings
from .test_inbox import sign_in

PAGE = f"/processen/{KEY}/verschil"


@pytest.fixture
def two_versions(db: Database) -> Database:
    deploy_two_meetings(db)
    make_user(db, "mia", "Manager ZVH")
    return db


def _viewer_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="diff-data">(.*?)</script>', html,
                      re.S)
    return json.loads(found.group(1))


def _texts(html: str) -> list[str]:
    items = re.findall(r'<li class="diff-line[^"]*"[^>]*>(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()).replace("&#39;", "'")
            .replace("&#34;", '"').replace("&gt;", ">") for item in items]


def test_the_latest_version_against_the_one_before(client: FlaskClient,
                                                   two_versions: Database) -> None:
    assert client.get(PAGE).status_code == 302  # signed out: to the sign-in page
    sign_in(client, "mia")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert re.search(r'<option value="1"\s+selected>', page.text)  # from version 1 …
    assert re.search(r'<option value="2"\s+selected>', page.text)  # … to version 2
    texts = _texts(page.text)
    assert "Gewijzigd Timer 'Termijn inbreng verstreken' op 'Agendapunten aandragen': " \
           'P7D → P14D' in texts
    assert ("Gewijzigd Exclusieve splitsing 'Verslag akkoord?': het standaardpad gaat nu naar "
            "'Verslag vastgesteld' (was naar 'Verslag opstellen')") in texts
    assert "Gewijzigd Formulier 'Vergadering plannen': veld 'toelichting' toegevoegd" in texts
    assert texts[-1] == ("Verplaatst Procesaanroep 'Besluitvorming per agendapunt' "
                         "verplaatst op de tekening")
    data = _viewer_data(page.text)
    assert data["new"]["markers"] == {
        "termijn_agenda_verstreken": "changed", "akkoord_gw": "changed", "f21": "changed",
        "f22": "changed", "plannen": "changed", "besluitvorming": "moved"}
    assert data["old"] is None  # nothing removed: the older diagram is not needed
    assert 'default="f21"' in data["new"]["xml"]


def test_versions_chosen_either_way_round(client: FlaskClient, two_versions: Database) -> None:
    sign_in(client, "mia")
    page = client.get(PAGE, query_string={"van": "2", "naar": "1"})
    assert page.status_code == 200
    assert "Wat er veranderd is van versie 2 naar versie 1" in page.text
    assert ("Timer 'Termijn inbreng verstreken' op 'Agendapunten aandragen': "
            'P14D → P7D') in " ".join(_texts(page.text))


def test_the_process_and_version_pages_link_to_the_diff(client: FlaskClient,
                                                        two_versions: Database) -> None:
    sign_in(client, "mia")
    assert f'href="{PAGE}">Vergelijken</a>' in client.get(f"/processen/{KEY}").text
    assert f'href="{PAGE}?van=1&amp;naar=2">Vergelijken</a>' in client.get(
        f"/processen/{KEY}/versies/2").text
    assert "Vergelijken" not in client.get(f"/processen/{KEY}/versies/1").text


@pytest.mark.parametrize(("query", "message"), [
    ({"van": "abc"}, "“abc” is geen versienummer: kies de versies uit de lijsten."),
    ({"van": "99999999999999999999"}, "is geen versienummer"),
    ({"van": "2", "naar": "2"}, "Kies twee verschillende versies."),
    ({"naar": "1"}, "Kies twee verschillende versies."),
])
def test_wrong_choices_get_a_message(client: FlaskClient, two_versions: Database,
                                     query: dict, message: str) -> None:
    sign_in(client, "mia")
    page = client.get(PAGE, query_string=query)
    assert page.status_code == 400
    assert message in page.text and "Deze versies kunnen niet worden vergeleken" in page.text


def test_unknown_versions_and_processes_are_not_found(client: FlaskClient,
                                                      two_versions: Database) -> None:
    sign_in(client, "mia")
    assert client.get(PAGE, query_string={"van": "9"}).status_code == 404
    assert client.get(PAGE, query_string={"van": "1", "naar": "7"}).status_code == 404
    assert client.get("/processen/onbekend/verschil").status_code == 404


def test_one_version_has_nothing_to_compare(client: FlaskClient, db: Database) -> None:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    make_user(db, "mia", "Manager ZVH")
    sign_in(client, "mia")
    page = client.get("/processen/budget_cycle/verschil")
    assert page.status_code == 200
    assert "Dit proces heeft maar één versie: er is nog niets te vergelijken." in page.text
    assert 'id="diff-data"' not in page.text and "<select" not in page.text
    assert "Vergelijken" not in client.get("/processen/budget_cycle").text


def test_removed_elements_bring_the_older_diagram(client: FlaskClient, db: Database) -> None:
    """Version 2 of two_lanes goes from drafting straight to the review: no milestone."""
    deploy_data(db, "two_lanes.bpmn")
    xml = (DATA / "two_lanes.bpmn").read_text()
    for old, new in (("<bpmn:flowNodeRef>drafted</bpmn:flowNodeRef>", ""),
                     ('<bpmn:sequenceFlow id="f3" sourceRef="drafted" targetRef="review" />', ""),
                     ('targetRef="drafted"', 'targetRef="review"'),
                     ("<bpmn:incoming>f3</bpmn:incoming>", "<bpmn:incoming>f2</bpmn:incoming>")):
        xml = xml.replace(old, new)
    start, end = xml.index('<bpmn:intermediateThrowEvent id="drafted"'), xml.index(
        "</bpmn:intermediateThrowEvent>") + len("</bpmn:intermediateThrowEvent>")
    forms, _ = read_sources([DATA / "forms"])
    deploy.deploy_sources(db, [Source("two_lanes.bpmn", xml[:start] + xml[end:]), *forms])
    make_user(db, "mia", "Manager ZVH")
    sign_in(client, "mia")
    page = client.get("/processen/two_lanes/verschil")
    assert page.status_code == 200
    texts = _texts(page.text)
    assert "Verwijderd Tussengebeurtenis 'Concept gereed' verwijderd" in texts
    assert "Verwijderd Pad van 'Concept gereed' naar 'Begroting bespreken' verwijderd" in texts
    assert ("Gewijzigd Pad van 'Begroting opstellen' naar 'Begroting bespreken': "
            "eindpunt 'Concept gereed' → 'Begroting bespreken'") in texts
    data = _viewer_data(page.text)
    assert data["old"]["markers"] == {"drafted": "removed", "f3": "removed", "f2": "changed"}
    assert 'id="canvas-old"' in page.text
