"""The inbox's pages under stress: crafted forms, odd numbers, failed steps, refused claims,
error pages in the site's layout, and markup for screen readers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine import instances, tasks
from engine.clock import today
from engine.db import Database
from engine.models import ProcessInstance

from ..conftest import deploy_data, make_user
from ..processes.meeting_support import complete, deploy_governance, make_members, named_tasks
from .test_inbox import draft_id, post, sign_in, start_cycle

# Any day after today: the agenda tests do not depend on the date, only on its being ahead.
MEETING_DAY = (today() + timedelta(days=40)).isoformat()


@pytest.fixture
def cycle(db: Database) -> ProcessInstance:
    return start_cycle(db)


def agenda_task(db: Database) -> int:
    """The secretary's "Agenda opstellen" of a regiekamer meeting (a list of agenda items)."""
    deploy_governance(db)
    make_members(db, "regiekamer")
    instances.start_instance(db, "meeting", title="Vergadering", actor="sara", scope="regiekamer",
                             data={"orgaan": "regiekamer"})
    complete(db, "sara", "Vergadering plannen", {"vergaderdatum": MEETING_DAY,
                                                  "locatie": "Zutphen", "aanleiding": "regulier",
                                                  "leden": ["anna", "bert"]})
    for member in ("anna", "bert", "carl", "dirk", "vera"):
        for task in named_tasks(db, member, "Agendapunten aandragen"):
            tasks.complete_task(db, task.id, member, {"voorgestelde_punten": []})
    complete(db, "sara", "Inbreng andere organen vastleggen", {"punten_andere_organen": []})
    return named_tasks(db, "sara", "Agenda opstellen")[0].id


def test_a_crafted_row_number_gives_one_row(db: Database, client: FlaskClient) -> None:
    task_id = agenda_task(db)
    sign_in(client, "sara")
    page = post(client, f"/tasks/{task_id}", {"_add_row": "agenda", "agenda-20000-titel": "x"},
                page=f"/tasks/{task_id}")
    assert page.status_code == 200
    assert page.text.count('name="agenda-1-titel"') == 1 and "agenda-2-titel" not in page.text
    many = {f"agenda-{i}-titel": "x" for i in range(0, 2000, 10)}
    refused = post(client, f"/tasks/{task_id}", many, page=f"/tasks/{task_id}")
    assert refused.status_code == 422 and "Geef er hoogstens 100." in refused.text
    assert tasks.get_task(db, task_id).state == "open"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "sNaN", "1e27", "1e-999999999"])
def test_odd_numbers_get_a_message_not_an_error(db: Database, client: FlaskClient, cycle,
                                                 text: str) -> None:
    task_id = draft_id(db)
    sign_in(client, "mia")
    page = post(client, f"/tasks/{task_id}", {"basistaken": text, "plustaken": "0",
                                              "toelichting": "x"}, page=f"/tasks/{task_id}")
    assert page.status_code == 422
    assert "Vul een getal in" in page.text or "hoogstens 15 cijfers" in page.text
    assert tasks.get_task(db, task_id).state == "open"


def test_a_huge_number_stored_earlier_does_not_break_later_pages(
        db: Database, client: FlaskClient, cycle) -> None:
    """Stored before numbers were capped (or through the CLI): shown as it is."""
    tasks.complete_task(db, draft_id(db), "mia", {"basistaken": 1e27, "plustaken": 0,
                                                  "toelichting": "Groot."})
    make_user(db, "bert", "Portefeuillehouder ZVH")
    review = tasks.inbox(db, "bert")[0]
    sign_in(client, "bert")
    page = client.get(f"/tasks/{review.id}")
    assert page.status_code == 200 and "1e+27" in page.text


def test_a_step_that_fails_is_a_conflict_with_its_explanation(db: Database,
                                                              client: FlaskClient) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy_data(db, "script_step.bpmn")
    instances.start_instance(db, "script_step", actor="mia")
    [task] = tasks.inbox(db, "mia")
    sign_in(client, "mia")
    page = post(client, f"/tasks/{task.id}", {}, page=f"/tasks/{task.id}")
    assert page.status_code == 409
    assert "Het proces is gestopt" in page.text and "niet opgeslagen" in page.text


def test_a_refused_claim_or_give_back_says_why(db: Database, client: FlaskClient,
                                               cycle) -> None:
    task_id = draft_id(db)
    sign_in(client, "mia")
    page = client.get(post(client, f"/tasks/{task_id}/unclaim").location).text
    assert "“Begroting opstellen” is door niemand opgepakt." in page
    tasks.claim_task(db, task_id, "max")
    page = client.get(post(client, f"/tasks/{task_id}/claim").location).text
    assert "“Begroting opstellen” is zojuist door iemand anders opgepakt." in page
    tasks.complete_task(db, task_id, "max", {"basistaken": 1, "plustaken": 0,
                                             "toelichting": "x"})
    page = client.get(post(client, f"/tasks/{task_id}/claim").location).text
    assert "“Begroting opstellen” is al afgerond." in page


def test_a_personal_task_cannot_be_given_back_and_says_so(db: Database,
                                                          client: FlaskClient) -> None:
    deploy_governance(db)
    make_members(db, "regiekamer")
    instances.start_instance(
        db, "decision", title="Besluit", actor="sara", scope="regiekamer",
        data={"orgaan": "regiekamer", "aanwezigen": ["anna"], "afwezigen": [],
              "agendapunt": {"titel": "X", "voorstel": "Y", "bron": "lid"}})
    ballot = named_tasks(db, "anna", "Stemmen")[0]
    sign_in(client, "anna")
    page = client.get(post(client, f"/tasks/{ballot.id}/unclaim").location).text
    assert "persoonlijk voor u bedoeld en kan niet worden teruggegeven" in page


def test_errors_are_pages_of_the_site_in_its_language(app: Flask, db: Database, cycle) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["MAX_CONTENT_LENGTH"] = 6 * 1024 * 1024  # the setting follows the file limits

    @app.get("/broken")
    def broken():
        raise RuntimeError("a bug")

    client = app.test_client()
    sign_in(client, "mia")
    for response, status, title in (
            (client.get("/nothing-here"), 404, "Pagina niet gevonden"),
            (client.get(f"/tasks/{draft_id(db)}/claim"), 405, "Hier niet mogelijk"),
            (client.post("/sign-in", data={"x": "y" * (7 * 1024 * 1024)}), 413,
             "Te veel verstuurd"),
            (client.get("/broken"), 500, "Er ging iets mis")):
        assert response.status_code == status
        assert f"<h1>{title}</h1>" in response.text and 'class="site-header"' in response.text
        assert "Traceback" not in response.text and "a bug" not in response.text


def test_pattern_and_const_get_their_own_message(app: Flask) -> None:
    from web.inbox.problems import message

    with app.test_request_context():
        assert message("pattern", r"^[0-9]{4}[A-Z]{2}$", "text") == (
            "Dit is niet geschreven in de gevraagde vorm.")
        assert message("pattern", r"^\S+$", "lines") == "Gebruik één woord zonder spaties."
        assert message("const", True, "yesno") == "Hier kan alleen “Ja” worden gekozen."


def test_screen_readers_get_the_hint_and_the_language_of_diagram_texts(
        db: Database, client: FlaskClient) -> None:
    task_id = agenda_task(db)
    sign_in(client, "sara")
    post(client, "/language", {"language": "en", "next": "/tasks"})
    page = client.get(f"/tasks/{task_id}").text
    assert '<h1 lang="nl">Agenda opstellen</h1>' in page
    assert re.search(r'<div class="documentation" lang="nl">', page)
    # Enter in a field completes the task: the first submit button of the form is that one.
    form = page[page.index(f'action="/tasks/{task_id}"'):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="_add_row"' not in first_button and 'tabindex="-1"' in first_button


def test_a_lines_field_names_its_hint(db: Database, client: FlaskClient) -> None:
    make_user(db, "sec", "Secretaris", scope="regiekamer")
    deploy_data(db, "personal_tasks.bpmn")
    instance = instances.start_instance(db, "personal_tasks", scope="regiekamer", actor="sec",
                                        data={"kandidaten": ["anna"], "voorgesteld": []})
    [task] = tasks.tasks_of_instance(db, instance.id)
    sign_in(client, "sec")
    page = client.get(f"/tasks/{task.id}").text
    textarea = re.search(r'<textarea id="field-onderwerpen"[^>]*>', page).group(0)
    assert 'aria-describedby="field-onderwerpen-lines"' in textarea
    assert '<p class="hint" id="field-onderwerpen-lines">Eén per regel.</p>' in page
