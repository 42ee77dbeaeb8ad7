"""The managers' page of one instance through Flask's test client: the facts, the path on the
diagram's data and in words, the timeline, the open tasks with how late they are; who may see
it (403, and also for another body's work: MTG-8); a vote's content stays private; the manager
actions (hand over, cancel with a reason, retry) and their refusals in words."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import update

from engine import instances, tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import HumanTask, ProcessInstance

from ..conftest import failed_script_step, start_budget_cycle
from ..processes.meeting_support import deploy_governance, make_members, vote
from .test_inbox import csrf_of, sign_in

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)
BUDGET = (("mia", "Manager ZVH"), ("max", "Manager ZVH"), ("bert", "Portefeuillehouder ZVH"),
          ("wendy", "Portefeuillehouder ZVH"), ("dirk", "Lid DVO"))


@pytest.fixture
def at_monday() -> Iterator[None]:
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def cycle(db: Database, at_monday: None) -> ProcessInstance:
    """A budget cycle waiting for the draft, which was due a week ago."""
    instance = start_budget_cycle(db, BUDGET)
    with db.transaction() as session:
        session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id)
                        .values(due_at=MONDAY - timedelta(days=7)))
    return instance


def page_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="instance-data">(.*?)</script>',
                      html, re.S)
    assert found, "the page has no diagram data"
    return json.loads(found.group(1))


def post(client: FlaskClient, instance_id: int, action: str, data: dict[str, str]):
    token = csrf_of(client.get(f"/overzicht/zaken/{instance_id}").text)
    return client.post(f"/overzicht/zaken/{instance_id}/{action}",
                       data={"csrf_token": token, **data}, follow_redirects=True)


def test_a_manager_sees_the_running_budget_cycle(client: FlaskClient, cycle) -> None:
    sign_in(client, "mia")
    response = client.get(f"/overzicht/zaken/{cycle.id}")
    assert response.status_code == 200
    text = response.text
    assert "Begroting 2027" in text and 'href="/processen/budget_cycle/versies/1"' in text
    assert "7 dagen te laat" in text  # the late draft, in words
    path = page_data(text)["path"]
    assert path["draft_budget"]["state"] == "active"
    assert "mia" in path["draft_budget"]["title"] or "Manager ZVH" in path["draft_budget"][
        "title"]
    assert "mia heeft de cyclus gestart." in text  # the timeline
    assert "Begroting opstellen" in text and 'name="aan"' in text  # hand over to max
    # Not claimed yet: either Manager ZVH may get it, nobody else.
    assert '<option value="max">' in text and '<option value="mia">' in text
    assert '<option value="bert">' not in text


def test_the_path_counts_every_run_of_a_loop(db: Database, client: FlaskClient, cycle) -> None:
    """A draft sent back by the DVO runs again: the element shows 2×, not the latest run only
    (BUD-4: the DVO decides, and may send the budget back)."""
    draft = next(t for t in tasks.inbox(db, "mia") if t.name == "Begroting opstellen")
    tasks.complete_task(db, draft.id, "mia", _budget())
    for username, name, answer in (
            ("bert", "Concept beoordelen (namens DVO)", {"akkoord_burgemeester": "akkoord"}),
            ("wendy", "Concept beoordelen (namens VvG Veilig Thuis)",
             {"akkoord_wethouder": "akkoord"})):
        task = next(t for t in tasks.inbox(db, username) if t.name == name)
        tasks.complete_task(db, task.id, username, answer)
    decide = next(t for t in tasks.inbox(db, "dirk") if t.name == "Besluit DVO vastleggen")
    tasks.complete_task(db, decide.id, "dirk", {"besluit_dvo": "teruggestuurd",
                                                "datum_vergadering": "2027-03-08",
                                                "toelichting_dvo": "Plustaken toelichten."})
    sign_in(client, "mia")
    path = page_data(client.get(f"/overzicht/zaken/{cycle.id}").text)["path"]
    assert (path["draft_budget"]["state"], path["draft_budget"]["count"]) == ("active", 2)
    assert path["dvo_decides"]["state"] == "done"


def _budget() -> dict:
    return {"basistaken": 100000, "plustaken": 20000, "toelichting": "Zoals vorig jaar."}


def test_mtg8_a_regiekamer_secretary_gets_403_for_a_stuurgroep_meeting(
        db: Database, client: FlaskClient, at_monday: None) -> None:
    """MTG-8: the Regiekamer's secretary may not open the Stuurgroep's meeting, nor cancel it;
    their own body's meeting they see."""
    deploy_governance(db)
    make_members(db, "regiekamer", "stuurgroep")
    meetings = {orgaan: instances.start_instance(db, "meeting", title=f"Vergadering {orgaan}",
                                                 actor=secretary, scope=orgaan,
                                                 data={"orgaan": orgaan})
                for orgaan, secretary in (("regiekamer", "sara"), ("stuurgroep", "gerda"))}
    sign_in(client, "sara")
    assert client.get(f"/overzicht/zaken/{meetings['stuurgroep'].id}").status_code == 403
    assert client.get(f"/overzicht/zaken/{meetings['regiekamer'].id}").status_code == 200
    assert client.get("/overzicht/zaken/99999").status_code == 404
    assert client.get("/overzicht/zaken/99999999999999").status_code == 404
    refused = client.post(f"/overzicht/zaken/{meetings['stuurgroep'].id}/annuleren",
                          data={"csrf_token": csrf_of(client.get("/tasks").text),
                                "reden": "Weg ermee"})
    assert refused.status_code == 403
    assert instances.get_instance(db, meetings["stuurgroep"].id).status != "cancelled"


def test_a_participant_gets_403(db: Database, client: FlaskClient, cycle) -> None:
    sign_in(client, "bert")  # a portefeuillehouder oversees no cycle
    assert client.get(f"/overzicht/zaken/{cycle.id}").status_code == 403


def test_dec1_a_votes_content_stays_private(db: Database, client: FlaskClient,
                                            at_monday: None) -> None:
    """DEC-1: the secretary sees who voted and when, never what (nor in the data)."""
    deploy_governance(db)
    make_members(db, "regiekamer")
    decision = instances.start_instance(
        db, "decision", title="Besluit werkproces", actor="sara", scope="regiekamer",
        data={"orgaan": "regiekamer", "aanwezigen": ["anna", "bert", "carl"], "afwezigen": [],
              "agendapunt": {"titel": "Werkproces", "voorstel": "Vaststellen.", "bron": "lid"}})
    ballot = next(t for t in tasks.inbox(db, "anna") if t.name == "Stemmen")
    tasks.complete_task(db, ballot.id, "anna", {"stemkeuze": "tegen",
                                                "stemverklaring": "Geheime stemverklaring"})
    vote(db, {"bert": "voor"})
    sign_in(client, "sara")
    text = client.get(f"/overzicht/zaken/{decision.id}").text
    assert "anna heeft “Stemmen” afgerond." in text
    words = re.sub(r'<script type="application/json".*?</script>', "", text, flags=re.S)
    assert "Geheime stemverklaring" not in text and "tegen" not in words  # the diagram says it
    assert "<code>stemmen</code>" not in text and "<code>agendapunt</code>" in text
    path = page_data(text)["path"]
    assert (path["stem_uitbrengen"]["state"], path["stem_uitbrengen"]["count"]) == ("active", 3)
    assert path["stem_vastleggen"]["count"] == 2


def test_the_hand_over_lands_the_task_in_the_other_managers_inbox(
        db: Database, client: FlaskClient, cycle) -> None:
    draft = next(t for t in tasks.inbox(db, "mia") if t.name == "Begroting opstellen")
    sign_in(client, "mia")
    response = post(client, cycle.id, f"taken/{draft.id}/overdragen",
                    {"aan": "max", "reden": "Met verlof"})
    assert "is nu bij max" in response.text
    assert [t.id for t in tasks.inbox(db, "max") if t.assignee == "max"] == [draft.id]
    assert "max" in response.text and "Met verlof" in response.text  # in the timeline
    refused = post(client, cycle.id, f"taken/{draft.id}/overdragen", {"aan": "bert"})
    assert refused.status_code == 200 and "Niet overgedragen" in refused.text


def test_cancel_without_a_reason_is_refused_in_words(db: Database, client: FlaskClient,
                                                     cycle) -> None:
    sign_in(client, "max")
    response = post(client, cycle.id, "annuleren", {"reden": "  "})
    assert response.status_code == 200 and "Niet geannuleerd: geef de reden" in response.text
    assert instances.get_instance(db, cycle.id).status == "running"
    done = post(client, cycle.id, "annuleren", {"reden": "Dubbel gestart"})
    assert "is geannuleerd" in done.text and "Dubbel gestart" in done.text
    path = page_data(done.text)["path"]
    assert path["draft_budget"]["state"] == "cancelled"
    assert "Annuleren" not in done.text.split("<h2", 1)[0]


def test_the_retry_form_is_shown_for_a_failed_instance(db: Database, client: FlaskClient,
                                                       at_monday: None) -> None:
    instance = failed_script_step(db)
    sign_in(client, "mia")
    text = client.get(f"/overzicht/zaken/{instance.id}").text
    assert f'action="/overzicht/zaken/{instance.id}/opnieuw"' in text
    assert page_data(text)["path"]["compute"]["state"] == "failed"
    again = post(client, instance.id, "opnieuw", {})
    assert again.status_code == 200 and "opnieuw" in again.text
    assert instances.get_instance(db, instance.id).status == "running"
