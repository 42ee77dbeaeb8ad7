"""The managers' instance page in Chromium: the Manager ZVH finds a budget cycle whose review is
late from the overview, opens it, sees the active review marked on the diagram and the audit
timeline, hands the review to the other portefeuillehouder (BUD-2: both review, one on behalf
of the DVO, one of the VvG Veilig Thuis), and that person then has it in their inbox; every
page passes axe."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import update

from engine import tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import HumanTask

from ...conftest import start_budget_cycle
from .conftest import Pages, browser_tab

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)
REVIEW = "Concept beoordelen (namens DVO)"


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: the page tests run on both databases."""
    return sqlite_db


def late_review(db: Database) -> int:
    """mia's draft is in; bert took the DVO review, which was due a week ago."""
    cycle = start_budget_cycle(db)
    draft = next(t for t in tasks.inbox(db, "mia") if t.name == "Begroting opstellen")
    tasks.complete_task(db, draft.id, "mia", {"basistaken": 100000, "plustaken": 20000,
                                              "toelichting": "Zoals vorig jaar."})
    review = next(t for t in tasks.inbox(db, "bert") if t.name == REVIEW)
    tasks.claim_task(db, review.id, "bert")
    with db.transaction() as session:
        session.execute(update(HumanTask).where(HumanTask.id == review.id)
                        .values(due_at=MONDAY - timedelta(days=7)))
    return cycle.id


def test_a_manager_hands_the_late_review_to_the_other_portefeuillehouder(
        db: Database, pages: Pages, browser, live_server: str) -> None:
    page = pages.page
    pages.exclude = ["#canvas"]  # the canvas is a drawing; its path is also listed in words
    with time_machine.travel(MONDAY, tick=True):
        instance_id = late_review(db)
        pages.sign_in("mia")
        pages.click("link", "Overzicht")
        page.get_by_label("Alleen te laat").check()
        pages.click("button", "Filteren")
        row = page.locator("table.overview tr.is-late")
        expect(row).to_contain_text("Te laat")
        with page.expect_navigation():
            row.get_by_role("link", name="Begroting 2027").click()
        assert page.url.endswith(f"/overzicht/zaken/{instance_id}")
        expect(page.locator("h1")).to_have_text("Begroting 2027")
        expect(page.locator('#canvas g.djs-element.run-active[data-element-id="review_mayor"]')
               ).to_have_count(1)
        expect(page.locator('#canvas g.djs-element.run-done[data-element-id="draft_budget"]')
               ).to_have_count(1)
        expect(page.locator("#timeline")).to_contain_text("mia heeft “Begroting opstellen” "
                                                          "afgerond.")
        row = page.locator("#open-tasks tr", has_text=REVIEW)
        expect(row).to_contain_text("7 dagen te laat")
        pages.check_accessibility()
        row.get_by_label("Aan").select_option("wendy")
        row.get_by_label("Reden (optioneel)").fill("bert is met verlof")
        with page.expect_navigation():
            row.get_by_role("button", name="Overdragen").click()
        pages.check_accessibility()
        expect(page.locator(".flash-success")).to_contain_text("nu bij wendy")
        expect(page.locator("#timeline")).to_contain_text("bert is met verlof")
        with browser_tab(browser, live_server) as wendy:
            wendy.sign_in("wendy")
            wendy.go("/tasks")
            expect(wendy.page.get_by_role("link", name=REVIEW)).to_have_count(1)
        assert [t.assignee for t in tasks.inbox(db, "wendy") if t.name == REVIEW] == ["wendy"]
        assert REVIEW not in [t.name for t in tasks.inbox(db, "bert")]
