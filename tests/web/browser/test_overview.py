"""The managers' overview in Chromium: from the menu to the late budget cycle, filtered on
late work; the page passes axe."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect
from sqlalchemy import update

from engine import deploy, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import HumanTask

from ...conftest import BPMN, make_user
from .conftest import Pages

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)

@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: what the browser shows is the same on both databases, and the engine and
    page tests below it run on both."""
    return sqlite_db


def test_a_manager_finds_the_late_budget_cycle_in_the_overview(db: Database,
                                                               pages: Pages) -> None:
    page = pages.page
    with time_machine.travel(MONDAY, tick=True):
        deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
        make_user(db, "mia", "Manager ZVH")
        late = instances.start_instance(db, "budget_cycle", title="Begroting 2028",
                                        actor="mia", data={"jaar": 2028, "document": "begroting"})
        instances.start_instance(db, "budget_cycle", title="Jaarverslag 2026", actor="mia",
                                 data={"jaar": 2026, "document": "jaarverslag"})
        with db.transaction() as session:
            session.execute(update(HumanTask).where(HumanTask.instance_id == late.id)
                            .values(due_at=MONDAY - timedelta(days=7)))
        pages.sign_in("mia")
        pages.click("link", "Overzicht")
        expect(page.locator("h1")).to_have_text("Overzicht 2027")
        row = page.locator("tr.is-late")
        expect(row).to_contain_text("Begroting 2028")
        expect(row).to_contain_text("Te laat")
        pages.check_accessibility()
        page.get_by_label("Alleen te laat").check()
        pages.click("button", "Filteren")
        expect(page.locator("table.overview tbody tr:not(.group)")).to_have_count(1)
        expect(page.locator("table.overview")).not_to_contain_text("Jaarverslag 2026")
        pages.check_accessibility()
