"""The managers' pages in Chromium, with two bodies: the Regiekamer's secretary sees their own
body's meeting and nothing of the Stuurgroep's (MTG-8: no row in any list, 403 on its page);
the Manager ZVH downloads every table as CSV, which opens with the right columns (UTF-8 with
a byte-order mark, ``;`` between fields, as Dutch Excel reads it)."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import update

from engine import deploy, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import HumanTask

from ...conftest import BPMN, make_user
from ...processes.meeting_support import make_members
from .conftest import Pages

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: the page and engine tests below run on both databases."""
    return sqlite_db


@pytest.fixture
def late_meetings(db: Database) -> dict[str, int]:
    """A meeting of the Regiekamer and one of the Stuurgroep, each with its planning a week
    late, and a budget cycle; the Manager ZVH ``mia``."""
    with time_machine.travel(MONDAY - timedelta(days=30), tick=False):
        deploy.deploy(db, [BPMN / "decision.bpmn", BPMN / "meeting.bpmn",
                           BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
        make_members(db, "regiekamer", "stuurgroep")
        make_user(db, "mia", "Manager ZVH")
        started = {orgaan: instances.start_instance(
            db, "meeting", title=f"Vergadering {orgaan}", actor=secretary, scope=orgaan,
            data={"orgaan": orgaan}).id
            for orgaan, secretary in (("regiekamer", "sara"), ("stuurgroep", "gerda"))}
        instances.start_instance(db, "budget_cycle", title="Begroting 2028", actor="mia",
                                 data={"jaar": 2028, "document": "begroting"})
    with db.transaction() as session:
        session.execute(update(HumanTask).values(due_at=MONDAY - timedelta(days=7)))
    return started


def test_mtg8_the_regiekamer_secretary_sees_no_stuurgroep_meeting_anywhere(
        late_meetings: dict[str, int], pages: Pages) -> None:
    page = pages.page
    with time_machine.travel(MONDAY, tick=True):
        pages.sign_in("sara")
        pages.click("link", "Overzicht")
        expect(page.locator("table.overview")).to_contain_text("Vergadering regiekamer")
        expect(page.locator("main")).not_to_contain_text("Vergadering stuurgroep")
        expect(page.locator("main")).not_to_contain_text("Begroting 2028")
        pages.click("link", "Te laat")
        expect(page.locator("table.late-work")).to_contain_text("Vergadering regiekamer")
        expect(page.locator("main")).not_to_contain_text("Vergadering stuurgroep")
        pages.click("link", "Vergaderfrequentie")
        expect(page.locator("table.frequency")).to_contain_text("Regiekamer")
        expect(page.locator("table.frequency")).not_to_contain_text("Stuurgroep")
        expect(page.get_by_role("link", name="Jaarcijfers")).to_have_count(0)
        assert pages.go(f"/overzicht/zaken/{late_meetings['stuurgroep']}") == 403
        pages.exclude = ["#canvas"]  # the canvas is a drawing; its path is also listed in words
        assert pages.go(f"/overzicht/zaken/{late_meetings['regiekamer']}") == 200
        expect(page.locator("h1")).to_have_text("Vergadering regiekamer")


def download(pages: Pages, link: str, tmp_path: Path) -> list[list[str]]:
    """Click a download link; the rows of the CSV as Excel reads them."""
    with pages.page.expect_download() as info:
        pages.page.get_by_role("link", name=link).first.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    raw = saved.read_bytes()
    assert raw.startswith("\ufeff".encode()), "Excel needs the byte-order mark for UTF-8"
    return list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))


def test_the_csv_downloads_open_with_the_right_columns(late_meetings: dict[str, int],
                                                        pages: Pages, tmp_path: Path) -> None:
    with time_machine.travel(MONDAY, tick=True):
        pages.sign_in("mia")
        pages.click("link", "Overzicht")
        rows = download(pages, "Downloaden als CSV (voor Excel)", tmp_path)
        assert rows[0] == ["Proces", "Cyclus", "Orgaan", "Stand van zaken", "Status",
                           "Gestart", "Open taken", "Uiterlijk", "Te laat"]
        assert [r[1] for r in rows[1:]] == ["Begroting 2028"]  # no body's meeting (MTG-8)

        pages.click("link", "Te laat")
        rows = download(pages, "Downloaden als CSV (voor Excel)", tmp_path)
        assert rows[0] == ["Taak", "Cyclus", "Proces", "Orgaan", "Rol", "Persoon", "Uiterlijk",
                           "Dagen te laat", "Herinneringen verstuurd", "Laatste herinnering"]
        assert {r[1] for r in rows[1:]} == {"Begroting 2028"}
        assert {r[7] for r in rows[1:]} == {"7"}

        pages.click("link", "Vergaderfrequentie")
        rows = download(pages, "De tabel downloaden als CSV", tmp_path)
        quarters = [f"K{q} {what}" for q in (1, 2, 3, 4) for what in ("gehouden", "gepland")]
        assert rows[0] == ["Orgaan", "Jaar", "Minimum", *quarters, "Gehouden", "Gepland",
                           "Status"]
        assert "Regiekamer ZVH" in [r[0] for r in rows[1:]]

        pages.click("link", "Jaarcijfers")
        rows = download(pages, "Downloaden als CSV (voor Excel)", tmp_path)
        assert rows[0] == ["Subregio", "Type casus", "Casussen", "Reflecties gehouden"]
