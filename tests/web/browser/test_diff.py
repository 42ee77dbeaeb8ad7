"""The diff page in Chromium: from the process page to the diff of the two versions of
meeting, whose list names the new timer duration and the new default flow, and whose diagram
marks what changed (the collapsed sub-process that holds the timer too) and shows, at a click,
the timer inside it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.db import Database

from ...conftest import make_user
from ..meeting_versions import KEY, deploy_two_meetings
from .conftest import Pages


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: what the browser shows is the same on both databases, and the engine and
    page tests below it run on both."""
    return sqlite_db


def test_a_participant_compares_the_two_versions_of_meeting(db: Database,
                                                            pages: Pages) -> None:
    deploy_two_meetings(db)
    make_user(db, "mia", "Manager ZVH")
    page = pages.page
    pages.sign_in("mia")
    pages.go(f"/processen/{KEY}")
    pages.exclude = ["#canvas"]  # the canvas is a drawing; axe scans the rest of the page
    pages.click("link", "Vergelijken")
    changes = page.locator("#changes-heading + p + ul.diff-list")
    expect(changes).to_contain_text("Timer 'Termijn inbreng verstreken' op 'Agendapunten "
                                    "aandragen': P7D → P14D")
    expect(changes).to_contain_text("Exclusieve splitsing 'Verslag akkoord?': het standaardpad "
                                    "gaat nu naar 'Verslag vastgesteld' (was naar 'Verslag "
                                    "opstellen')")
    expect(page.locator("#moved-heading + ul")).to_contain_text("Besluitvorming per agendapunt")
    canvas = page.locator("#canvas")
    for element, kind in (("akkoord_gw", "changed"), ("inbreng_leden", "changed"),
                          ("besluitvorming", "moved")):
        expect(canvas.locator(f'g.djs-element.diff-{kind}[data-element-id="{element}"]')
               ).to_have_count(1)
    expect(canvas.locator(".diff-badge-changed").first).to_be_visible()
    expect(canvas.locator(".bjs-powered-by")).to_be_visible()  # bpmn.io's watermark stays
    timer = canvas.locator(
        'g.djs-element.diff-changed[data-element-id="termijn_agenda_verstreken"]')
    expect(timer).to_be_hidden()  # inside the collapsed sub-process
    changes.locator("li", has_text="P14D").get_by_role("button", name="Toon in het diagram").click()
    expect(timer).to_be_visible()

    page.get_by_label("Van versie", exact=True).select_option("2")
    page.get_by_label("Naar versie", exact=True).select_option("1")
    pages.click("button", "Vergelijken")
    expect(page.locator("h2#changes-heading")).to_have_text(
        "Wat er veranderd is van versie 2 naar versie 1")
    expect(page.locator("ul.diff-list").first).to_contain_text('P14D → P7D')
