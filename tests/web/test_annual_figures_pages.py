"""The annual-report figures (BUD-5, art. 8.6 l) through Flask's test client: case reflections
per sub-region and type, decisions per body, meetings held, tasks on time and late, and
admissions, from the audit trail and projections of the year; the network's managers only;
each table as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from flask.testing import FlaskClient

from engine import deploy, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database

from ..conftest import BPMN, make_user
from ..processes.meeting_support import complete, vote
from ..processes.test_case_reflection import CASE, METHOD
from .meeting_year import DEPLOYED, SECRETARY, hold, item, prepare, set_up
from .test_inbox import sign_in

WORKFLOW, ANNUAL_PLAN = item("Werkproces complexe casuïstiek"), item("Jaarplan ZVH")
THE_DAY_AFTER = datetime(2027, 3, 2, 10, 0, tzinfo=LOCAL_ZONE)


def _reflections(db: Database) -> None:
    """Q1 of 2027 (Achterhoek's turn) held; Q2 started, its case not brought in yet."""
    deploy.deploy(db, [BPMN / "case_reflection.bpmn", BPMN / "member_admission.bpmn",
                       BPMN / "forms"], "tester")
    make_user(db, "nora", "Netwerksecretaris")
    make_user(db, "gert", "Gespreksleider")
    _reflection(db, 1)
    complete(db, "tom", "Casus inbrengen", CASE)
    complete(db, "nora", "Gespreksleider en methode kiezen", METHOD)
    complete(db, "gert", "Casusreflectie voeren", {
        "betrokken_organisaties": ["Reclassering", "Gemeente Zutphen"],
        "delegatie": [{"subregio": s, "organisatie": "Gemeente uit " + s}
                      for s in ("Midden-IJssel/Oost-Veluwe", "Noord-Veluwe")],
        "verloop": "Open gesprek over regie."})
    _reflection(db, 2)


def _reflection(db: Database, quarter: int) -> None:
    instances.start_instance(db, "case_reflection", title=f"Casusreflectie 2027 Q{quarter}",
                             data={"jaar": 2027, "kwartaal": quarter}, actor="nora")


def _admissions(db: Database) -> None:
    """One request not considered (incomplete), one still open."""
    for name in ("Onbekende stichting", "Stichting Herstelacademie Oost"):
        instances.start_instance(db, "member_admission", title=f"Toetreding {name}",
                                 data={"organisatie": name}, actor="mia")
    complete(db, "mia", "Aanvraag beoordelen",
             {"volledig": False, "toelichting_advies": "Motivatie ontbreekt."})
    complete(db, "mia", "Aanvrager informeren over onvolledige aanvraag",
             {"reden": "Motivatie ontbreekt.", "verzonden_op": "2027-02-08"})


@pytest.fixture
def year(db: Database) -> Iterator[Database]:
    """2027: the Regiekamer decided one item and escalated a tie (DEC-4); the Stuurgroep met,
    its secretary registering the attendance a day late; a reflection and two admissions."""
    with time_machine.travel(DEPLOYED, tick=True) as clock:
        set_up(db)
        hold(db, "regiekamer", "2027-03-01", [WORKFLOW, ANNUAL_PLAN], sent="2027-02-10")
        voters = ("anna", "bert", "carl", "dirk", "vera")
        vote(db, dict.fromkeys(voters, "voor"), item=WORKFLOW["titel"])
        vote(db, dict(zip(voters, ("voor", "voor", "tegen", "tegen", "onthouding"),
                          strict=True)), item=ANNUAL_PLAN["titel"])
        complete(db, "sara", "Voorleggen aan hoger orgaan",
                 {"voorgelegd_op": "2027-03-01", "toelichting": "Geen meerderheid."})
        complete(db, "sara", "Verslag opstellen", {"verslag": "Verslag.", "actiepunten": []})
        _reflections(db)
        _admissions(db)
        prepare(db, "stuurgroep", "2027-03-01", [item("Jaarrekening")], sent="2027-02-10")
        clock.move_to(THE_DAY_AFTER)
        complete(db, SECRETARY["stuurgroep"], "Aanwezigheid registreren",
                 {"aanwezigen": ["stef", "sofie", "guus"]})
        yield db


def _table(page: str, key: str) -> list[list[str]]:
    """The rows of one table of the page as the cells' text."""
    table = page.split(f'class="tasks figures-{key}"')[1].split("</table>")[0]
    rows = []
    for row in table.split("<tr>")[2:]:
        cells = [cell.split(">", 1)[1].split("</t")[0].strip()
                 for cell in row.split("<t")[1:] if cell[:1] in ("d", "h")]
        rows.append(cells)
    return rows


def test_bud_5_the_figures_of_the_year_for_the_annual_report(year, client: FlaskClient) -> None:
    """REF-2/REF-3 reflections, DEC-3..DEC-5 decisions, MTG-1..MTG-4 meetings, timeliness, ADM-1."""
    sign_in(client, "mia")
    page = client.get("/overzicht/jaarcijfers?jaar=2027")
    assert page.status_code == 200
    text = page.text
    assert "Jaarcijfers 2027" in text
    assert _table(text, "reflecties") == [
        ["Achterhoek", "zorg en veiligheid", "1", "1"],
        ["Midden-IJssel/Oost-Veluwe", "nog niet ingebracht", "1", "0"]]
    # The Stuurgroep's item has no decision yet; the Regiekamer took one and escalated one.
    assert _table(text, "besluiten") == [["Regiekamer ZVH", "2", "1", "1", "0"]]
    meetings = {row[0]: row[1:] for row in _table(text, "vergaderingen")}
    assert meetings["Regiekamer ZVH"] == ["1", "4"] and meetings["Stuurgroep ZVH"] == ["1", "2"]
    assert meetings["Stamtafel zorg en veiligheid"] == ["0", "4"]
    timeliness = {row[0]: row[1:] for row in _table(text, "taken")}
    on_time, late, _none = (int(n) for n in timeliness["Vergadercyclus orgaan"])
    assert late == 1 and on_time >= 4  # the Stuurgroep's attendance was registered a day late
    assert _table(text, "toetredingen") == [["2", "0", "0", "1", "1"]]


def test_bud_5_each_table_downloads_as_csv_with_its_columns(year, client: FlaskClient) -> None:
    sign_in(client, "mia")
    expected = {
        "reflecties": ["Subregio", "Type casus", "Casussen", "Reflecties gehouden"],
        "besluiten": ["Orgaan", "Agendapunten", "Genomen", "Voorgelegd aan hoger orgaan",
                      "Aangehouden tot partij gehoord"],
        "vergaderingen": ["Orgaan", "Vergaderingen gehouden", "Minimum"],
        "taken": ["Proces", "Op tijd", "Te laat", "Zonder termijn"],
        "toetredingen": ["Aanvragen ontvangen", "Toegelaten", "Afgewezen", "Buiten behandeling",
                         "Open aan het eind van het jaar"],
    }
    for key, header in expected.items():
        response = client.get(f"/overzicht/jaarcijfers?jaar=2027&formaat=csv&tabel={key}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        raw = response.get_data()
        assert raw.startswith("\ufeff".encode()), key
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == header
        assert rows[1:], key
    reflections = client.get("/overzicht/jaarcijfers?jaar=2027&formaat=csv&tabel=reflecties")
    assert "Midden-IJssel/Oost-Veluwe;nog niet ingebracht;1;0" in reflections.get_data(
        as_text=True)
    assert client.get("/overzicht/jaarcijfers?jaar=2027&formaat=csv&tabel=iets").status_code \
        == 400


def test_bud_5_only_the_network_s_managers_see_the_annual_figures(
        year, client: FlaskClient) -> None:
    """The annual report is the manager's; a body's secretary (MTG-8) and a participant get a
    403."""
    for username in ("sara", "anna"):
        sign_in(client, username)
        assert client.get("/overzicht/jaarcijfers?jaar=2027").status_code == 403, username


def test_bud_5_another_year_has_nothing_and_a_wrong_year_a_clear_error(
        year, client: FlaskClient) -> None:
    sign_in(client, "mia")
    other = client.get("/overzicht/jaarcijfers?jaar=2026").text
    assert other.count("Niets in dit jaar.") == 3  # meetings and admissions show zero rows
    wrong = client.get("/overzicht/jaarcijfers?jaar=1999")
    assert wrong.status_code == 400 and "Kies een jaar van 2000 tot en met" in wrong.text
