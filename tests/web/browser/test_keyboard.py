"""What the keyboard does on a task page: Enter in a field sends the form to complete the task,
never to add a row to a list (WCAG 3.2.2: no unexpected change of context)."""

from __future__ import annotations

from playwright.sync_api import expect

from engine import tasks
from engine.db import Database

from ..test_pages import agenda_task
from .conftest import Pages


def test_enter_in_a_field_completes_the_task_rather_than_adding_a_row(
        db: Database, pages: Pages) -> None:
    task_id = agenda_task(db)
    pages.sign_in("sara")
    pages.go(f"/tasks/{task_id}")
    page = pages.page
    page.locator("#field-agenda-0-titel").fill("Werkproces")
    with page.expect_navigation():
        page.locator("#field-agenda-0-titel").press("Enter")
    pages.check_accessibility()
    # Sent to be completed: the missing answers are named; no second row appeared.
    expect(page.get_by_role("alert")).to_contain_text("Vul dit veld in.")
    expect(page.locator("#field-agenda-1-titel")).to_have_count(0)
    expect(page.locator("#field-agenda-0-titel")).to_have_value("Werkproces")
    assert tasks.get_task(db, task_id).state == "open"
