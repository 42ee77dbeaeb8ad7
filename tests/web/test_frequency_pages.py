"""The meeting-frequency page through Flask's test client: per body and quarter the meetings
held and planned against the minimum (MTG-1..MTG-4), the regiegroep before the Stamtafel
(MTG-3), its yearly topics (MTG-9), who sees which body (MTG-8), and the CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
import time_machine
from flask.testing import FlaskClient

from engine.db import Database

from .meeting_year import DEPLOYED, hold, item, prepare, set_up
from .test_inbox import sign_in


@pytest.fixture
def year(db: Database) -> Iterator[Database]:
    """8 February 2027: the Regiekamer and the regiegroep held their Q1 meeting (the regiegroep
    on Wzd with the physicians), the Stamtafel's Q1 meeting is being prepared."""
    with time_machine.travel(DEPLOYED, tick=True):
        set_up(db)
        hold(db, "regiekamer", "2027-03-01", [item("Werkproces complexe casuïstiek")],
             sent="2027-02-10")
        hold(db, "regiegroep_gedwongen_zorg", "2027-03-01",
             [item("Toepassing Wzd, met de arts VG en de arts PG")], sent="2027-02-10")
        prepare(db, "stamtafel", "2027-03-15", [item("Regionale aanpak nazorg")],
                sent="2027-02-12")
        yield db


def _row(page: str, text: str) -> str:
    return next(row for row in page.split("<tr")[1:] if text in row)


def _cells(row: str) -> list[str]:
    return [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]


def test_mtg_1_to_4_a_body_on_track_and_one_short_per_quarter(year, client: FlaskClient) -> None:
    """The Regiekamer held one and has three timer starts to come (on track, MTG-2); the
    Stuurgroep has one start to come against a minimum of two (short, MTG-4), in words."""
    sign_in(client, "mia")
    page = client.get("/overzicht/vergaderfrequentie?jaar=2027")
    assert page.status_code == 200
    text = page.text
    regiekamer = _row(text, "<th scope=\"row\" lang=\"nl\">Regiekamer ZVH")
    # minimum, held, planned (the status in words), then held and planned per quarter
    assert _cells(regiekamer) == ["4", "1", "3", "1", "0", "0", "1", "0", "1", "0", "1"]
    assert "op schema" in regiekamer and "is-late" not in regiekamer
    stuurgroep = _row(text, "Stuurgroep ZVH</th>")
    assert 'class="is-late"' in stuurgroep
    assert '<strong class="late">tekort: 1</strong>' in stuurgroep
    # MTG-1: the Stamtafel's meeting under way counts as planned in Q1, with three to come.
    stamtafel = _row(text, "Stamtafel zorg en veiligheid</th>")
    assert _cells(stamtafel)[:5] == ["4", "0", "4", "0", "1"] and "op schema" in stamtafel
    # The chart is one image with a summary; the table is what a screen reader reads.
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in text
    assert "Stuurgroep ZVH: 0 gehouden, 1 gepland, minimum 2 (tekort: 1)." in text
    assert '<th scope="colgroup" colspan="2">K1</th>' in text


def test_mtg_3_the_regiegroep_meets_before_the_stamtafel_and_mtg_9_its_topics(
        year, client: FlaskClient) -> None:
    sign_in(client, "mia")
    text = client.get("/overzicht/vergaderfrequentie?jaar=2027").text
    q1 = _row(text, '<th scope="row">K1</th>')
    assert "1 maart 2027" in q1 and "15 maart 2027" in q1 and "ja, volgens planning" in q1
    q2 = _row(text, '<th scope="row">K2</th>')  # the timer starts of April: 6th before 27th
    assert "6 april 2027" in q2 and "27 april 2027" in q2
    wzd = _row(text, "Wzd/Wfz met de artsen")
    assert "de vergadering van 1 maart 2027" in wzd and "is-late" not in wzd
    experience = _row(text, "Het ervaringsperspectief met PVP en FVP")
    assert "nog niet op een agenda" in experience and 'class="is-late"' in experience
    assert "Toepassing Wzd" not in text  # the agenda's content stays in the meeting (MTG-8)


def test_mtg_8_a_regiekamer_secretary_sees_only_the_regiekamer(year, client: FlaskClient) -> None:
    sign_in(client, "sara")
    text = client.get("/overzicht/vergaderfrequentie?jaar=2027").text
    assert "Regiekamer ZVH" in text
    for other in ("Stuurgroep ZVH", "Stamtafel zorg en veiligheid", "Regiegroep gedwongen zorg",
                  "Regiegroep vóór de Stamtafel"):
        assert other not in text
    rows = list(csv.reader(io.StringIO(client.get(
        "/overzicht/vergaderfrequentie?jaar=2027&formaat=csv").text.lstrip("\ufeff")),
        delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Regiekamer ZVH"]


def test_mtg_3_the_regiegroep_secretary_sees_whether_the_stamtafel_met_not_when(
        year, client: FlaskClient) -> None:
    sign_in(client, "ruud")
    text = client.get("/overzicht/vergaderfrequentie?jaar=2027").text
    q1 = _row(text, '<th scope="row">K1</th>')
    assert "1 maart 2027" in q1 and "vergadert" in q1 and "15 maart" not in q1
    assert "Stamtafel zorg en veiligheid</th>" not in text


def test_a_participant_may_not_see_the_page(year, client: FlaskClient) -> None:
    sign_in(client, "anna")  # a member of the Regiekamer, no chair or secretary
    assert client.get("/overzicht/vergaderfrequentie").status_code == 403


def test_mtg_1_to_4_the_csv_opens_in_dutch_excel_with_the_columns_of_the_table(
        year, client: FlaskClient) -> None:
    sign_in(client, "mia")
    response = client.get("/overzicht/vergaderfrequentie?jaar=2027&formaat=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Orgaan", "Jaar", "Minimum", "K1 gehouden", "K1 gepland", "K2 gehouden",
                       "K2 gepland", "K3 gehouden", "K3 gepland", "K4 gehouden", "K4 gepland",
                       "Gehouden", "Gepland", "Status"]
    by_body = {row[0]: row for row in rows[1:]}
    assert by_body["Regiekamer ZVH"][1:] == ["2027", "4", "1", "0", "0", "1", "0", "1", "0", "1",
                                            "1", "3", "op schema"]
    assert by_body["Stuurgroep ZVH"][-1] == "tekort: 1"
    assert "Regiegroep gedwongen zorg (Wvggz/Wzd)" in by_body
    order = list(csv.reader(io.StringIO(client.get(
        "/overzicht/vergaderfrequentie?jaar=2027&formaat=csv&tabel=regiegroep")
        .get_data().decode("utf-8-sig")), delimiter=";"))
    assert order[0] == ["Kwartaal", "Regiegroep", "Stamtafel", "Regiegroep eerst"]
    assert order[1] == ["K1", "01-03-2027", "15-03-2027", "ja, volgens planning"]


def test_a_year_that_is_no_year_gets_a_clear_error(year, client: FlaskClient) -> None:
    sign_in(client, "mia")
    page = client.get("/overzicht/vergaderfrequentie?jaar=twintig")
    assert page.status_code == 400
    assert "Kies een jaar van 2000 tot en met" in page.text
