"""The managers' overview through Flask's test client: the cycles of a year with their stage,
status and open tasks, late work in words, filters and counts, who sees what (MTG-8), and the
CSV that Excel opens."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select, update

from engine import deploy, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import HumanTask
from engine.notifications import notify

from ..conftest import BPMN, make_user
from ..processes.meeting_support import deploy_governance, make_members
from .test_inbox import sign_in

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def year(db: Database) -> Iterator[Database]:
    """Monday 8 March 2027: a late and a timely budget cycle, and a meeting of the Regiekamer
    and one of the Stuurgroep; mia is Manager ZVH, sara and gerda the bodies' secretaries."""
    with time_machine.travel(MONDAY, tick=False):
        deploy_governance(db)
        deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
        make_members(db, "regiekamer", "stuurgroep")
        make_user(db, "mia", "Manager ZVH")
        make_user(db, "max", "Manager ZVH")
        for orgaan, secretary in (("regiekamer", "sara"), ("stuurgroep", "gerda")):
            instances.start_instance(db, "meeting", title=f"Vergadering {orgaan}",
                                     actor=secretary, scope=orgaan, data={"orgaan": orgaan})
        late = instances.start_instance(db, "budget_cycle", title="Begroting 2028",
                                        actor="mia", data={"jaar": 2028, "document": "begroting"})
        instances.start_instance(db, "budget_cycle", title="Jaarverslag 2026", actor="mia",
                                 data={"jaar": 2026, "document": "jaarverslag"})
        with db.transaction() as session:  # the draft of the 2028 budget was due last week
            session.execute(update(HumanTask).where(HumanTask.instance_id == late.id)
                            .values(due_at=MONDAY - timedelta(days=7)))
        yield db


@pytest.fixture
def at_monday() -> Iterator[None]:
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        yield


def _rows(page: str) -> list[str]:
    return [line.strip() for line in page.split("<tr")[1:]]


def test_a_manager_sees_the_cycles_of_the_year_and_late_work_in_words(
        year: Database, client: FlaskClient, at_monday) -> None:
    sign_in(client, "mia")
    page = client.get("/overzicht")
    assert page.status_code == 200
    text = page.text
    assert "Overzicht 2027" in text and 'href="/overzicht"' in text  # in the menu too
    assert "Begroting 2028" in text and "Jaarverslag 2026" in text
    late_row = next(row for row in _rows(text) if "Begroting 2028" in row)
    assert 'class="is-late"' in late_row and "Te laat" in text
    assert "1 maart 2027" in text  # the due date of the late draft
    assert "<strong>1</strong> met werk dat te laat is" in text
    assert "Vergadering" not in text  # the bodies' meetings are not the network's (MTG-8)

    only_late = client.get("/overzicht?te_laat=1").text
    assert "Begroting 2028" in only_late and "Jaarverslag 2026" not in only_late
    assert "Begroting 2028" not in client.get("/overzicht?jaar=2026").text
    assert "Geen cyclus past bij dit filter." in client.get("/overzicht?status=failed").text


def test_mtg8_a_secretary_sees_only_their_bodys_meetings(year: Database, client: FlaskClient,
                                                         at_monday) -> None:
    """MTG-8: the secretary of the Regiekamer sees its meeting, not the Stuurgroep's, nor the
    network's budget cycles, on the page and in the CSV."""
    sign_in(client, "sara")
    text = client.get("/overzicht").text
    assert "Vergadering regiekamer" in text
    assert "Vergadering stuurgroep" not in text and "Begroting 2028" not in text
    assert "Vergadering stuurgroep" not in client.get("/overzicht?orgaan=stuurgroep").text
    download = client.get("/overzicht?formaat=csv").data.decode("utf-8-sig")
    assert "Vergadering regiekamer" in download and "stuurgroep" not in download


def test_a_participant_gets_403_and_no_menu_item(year: Database, client: FlaskClient,
                                                at_monday) -> None:
    sign_in(client, "anna")  # a member of the Regiekamer, neither chair nor secretary
    assert client.get("/overzicht").status_code == 403
    assert client.get("/overzicht?formaat=csv").status_code == 403
    assert 'href="/overzicht"' not in client.get("/tasks").text


def test_the_csv_opens_in_dutch_excel_with_the_right_columns(year: Database,
                                                             client: FlaskClient,
                                                             at_monday) -> None:
    sign_in(client, "mia")
    response = client.get("/overzicht?formaat=csv&te_laat=1")
    assert response.mimetype == "text/csv"
    assert 'filename="overzicht-2027.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Proces", "Cyclus", "Orgaan", "Stand van zaken", "Status", "Gestart",
                       "Open taken", "Uiterlijk", "Te laat"]
    [row] = rows[1:]
    assert row[1] == "Begroting 2028" and row[5] == "08-03-2027" and row[8] == "ja"
    assert row[7] == "01-03-2027" and "Begroting opstellen" in row[6]


def test_late_work_lists_the_overdue_task_with_days_late_and_reminders(
        year: Database, client: FlaskClient, at_monday) -> None:
    with year.transaction() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.state == "open",
                                                       HumanTask.due_at.is_not(None))).one()
        notify(session, "reminder", "Maak de begroting af.", role=task.role,
               instance_id=task.instance_id, task_id=task.id)
    sign_in(client, "mia")
    text = client.get("/overzicht/te-laat").text
    assert "1 taak is te laat" in text and "Begroting opstellen" in text
    assert "7 dagen te laat" in text and "laatste op 8 maart 2027" in text
    assert "Jaarverslag 2026" not in text
    rows = list(csv.reader(io.StringIO(
        client.get("/overzicht/te-laat?formaat=csv").data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Taak", "Cyclus", "Proces", "Orgaan", "Rol", "Persoon", "Uiterlijk",
                       "Dagen te laat", "Herinneringen verstuurd", "Laatste herinnering"]
    assert rows[1][0] == "Begroting opstellen" and rows[1][7:] == ["7", "1", "08-03-2027"]


def test_mtg8_late_work_of_another_body_stays_hidden(year: Database, client: FlaskClient,
                                                     at_monday) -> None:
    """MTG-8: the Stuurgroep's secretary sees nothing of the network's late budget."""
    sign_in(client, "gerda")
    assert "Niets is te laat." in client.get("/overzicht/te-laat").text
    sign_in(client, "anna")
    assert client.get("/overzicht/te-laat").status_code == 403
