"""The meeting-frequency page in Chromium: the chart is one image with a summary, the table
carries the figures, and the page (and the annual figures beside it) pass axe."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import expect

from engine.db import Database

from ..meeting_year import DEPLOYED, hold, item, prepare, set_up
from .conftest import Pages


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: the page tests run on both databases."""
    return sqlite_db


def test_mtg_1_to_4_the_frequency_chart_and_table_pass_axe(db: Database, pages: Pages) -> None:
    page = pages.page
    with time_machine.travel(DEPLOYED, tick=True):
        set_up(db)
        hold(db, "regiekamer", "2027-03-01", [item("Werkproces")], sent="2027-02-10")
        prepare(db, "stamtafel", "2027-03-15", [item("Nazorg")], sent="2027-02-12")
        pages.sign_in("mia")
        assert pages.go("/overzicht/vergaderfrequentie") == 200
        expect(page.locator("h1")).to_have_text("Vergaderfrequentie 2027")
        chart = page.get_by_role("img")
        expect(chart).to_have_attribute(
            "aria-label", "Stamtafel zorg en veiligheid: 0 gehouden, 4 gepland, minimum 4 "
            "(op schema). Regiekamer ZVH: 1 gehouden, 3 gepland, minimum 4 (op schema). "
            "Stuurgroep ZVH: 0 gehouden, 1 gepland, minimum 2 (tekort: 1). Regiegroep "
            "gedwongen zorg (Wvggz/Wzd): 0 gehouden, 3 gepland, minimum 4 (tekort: 1). "
            "De tabel hieronder geeft de cijfers per kwartaal.")
        short = page.get_by_role("row", name="Stuurgroep ZVH")
        expect(short).to_contain_text("tekort: 1")
        pages.check_accessibility()
        assert pages.go("/overzicht/jaarcijfers?jaar=2027") == 200
        expect(page.locator("h1")).to_have_text("Jaarcijfers 2027")
        pages.check_accessibility()
