"""The budget cycle completed through the pages, in a real browser, by the people of its lanes
(BUD-1, BUD-2, BUD-4), and what the pages refuse or keep on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine import instances, tasks
from engine.db import Database
from engine.models import ProcessInstance

from ...conftest import start_budget_cycle
from .conftest import Pages

DRAFT = "Begroting opstellen"
REVIEW_MAYOR = "Concept beoordelen (namens DVO)"
REVIEW_ALDERMAN = "Concept beoordelen (namens VvG Veilig Thuis)"
DVO = "Besluit DVO vastleggen"


@pytest.fixture
def cycle(db: Database) -> ProcessInstance:
    return start_budget_cycle(db)


def test_the_budget_cycle_is_completed_through_the_pages(
        db: Database, cycle: ProcessInstance, pages: Pages) -> None:
    """BUD-1: the manager drafts; BUD-2: both portefeuillehouders give their view; BUD-4: the DVO
    adopts. Each signs in, finds the task in the inbox, fills in the form and signs out."""
    page = pages.page
    pages.sign_in("mia")
    expect(page.get_by_role("heading", name="Mijn taken")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=DRAFT)
    expect(row).to_contain_text("Begroting 2027")
    expect(row).to_contain_text("Begroting en jaarverslag")
    expect(row).to_contain_text("Manager ZVH")
    pages.click("button", f"Oppakken {DRAFT} (Begroting 2027)")
    expect(page.get_by_role("status")).to_contain_text("opgepakt")
    expect(page.get_by_role("row").filter(has_text=DRAFT)).to_contain_text("Door u opgepakt")

    pages.click("link", DRAFT)
    expect(page.get_by_role("heading", name="Waar deze taak over gaat")).to_be_visible()
    page.get_by_label("Reguliere basistaken (EUR)").fill("250.000")
    page.get_by_label("Plustaken (EUR)").fill("40.000")
    page.get_by_label("Toelichting").fill("Basistaken als vorig jaar plus indexatie.")
    pages.click("button", "Taak afronden")
    expect(page.get_by_role("status")).to_contain_text("“Begroting opstellen” is afgerond")
    expect(page.get_by_text("U hebt op dit moment geen taken.")).to_be_visible()
    pages.sign_out()

    for username, task, field in (("bert", REVIEW_MAYOR, "akkoord_burgemeester"),
                                  ("wendy", REVIEW_ALDERMAN, "akkoord_wethouder")):
        pages.sign_in(username)
        pages.open_task(task)
        answers = page.get_by_role("region", name="Eerdere antwoorden in deze zaak")
        expect(answers).to_contain_text("250.000")  # the draft, with Dutch number formatting
        expect(answers).to_contain_text("Basistaken als vorig jaar plus indexatie.")
        page.locator(f"fieldset:has(input[name={field}])").get_by_label("akkoord",
                                                                       exact=True).check()
        pages.click("button", "Taak afronden")
        expect(page.get_by_role("status")).to_contain_text("is afgerond")
        pages.sign_out()

    pages.sign_in("dirk")
    pages.open_task(DVO)
    expect(page.get_by_role("region", name="Eerdere antwoorden in deze zaak")).to_contain_text(
        REVIEW_ALDERMAN)
    page.get_by_label("vastgesteld").check()
    page.get_by_label("Datum van de DVO-vergadering").fill("2026-11-12")
    pages.click("button", "Taak afronden")
    expect(page.get_by_role("status")).to_contain_text("“Besluit DVO vastleggen” is afgerond")
    pages.sign_out()

    finished = instances.get_instance(db, cycle.id)
    assert (finished.status, finished.stage) == ("completed", "Vastgesteld door DVO")
    data = instances.instance_data(finished)
    assert (data["basistaken"], data["plustaken"]) == (250000, 40000)
    assert data["datum_vergadering"] == "2026-11-12"
    assert {t.completed_by for t in tasks.tasks_of_instance(db, cycle.id)} == {
        "mia", "bert", "wendy", "dirk"}


def test_an_invalid_submission_shows_the_messages_and_keeps_the_values(
        db: Database, cycle: ProcessInstance, pages: Pages) -> None:
    """BUD-1 needs amounts of at least 0 and a toelichting: the page says so next to the fields,
    linked to them, and keeps what was typed."""
    page = pages.page
    pages.sign_in("mia")
    pages.open_task(DRAFT)
    page.get_by_label("Reguliere basistaken (EUR)").fill("250.000")
    page.get_by_label("Plustaken (EUR)").fill("-1")
    pages.click("button", "Taak afronden")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Plustaken (EUR): Vul 0 of meer in.")
    expect(summary).to_contain_text("Toelichting: Vul dit veld in.")
    assert page.title().startswith("Fout:")
    plus = page.get_by_label("Plustaken (EUR)")
    expect(plus).to_have_value("-1")
    expect(plus).to_have_attribute("aria-invalid", "true")
    expect(plus).to_have_accessible_description("Het begrote bedrag voor de plustaken; 0 als er "
                                                "geen plustaken zijn. Fout: Vul 0 of meer in.")
    expect(page.get_by_label("Reguliere basistaken (EUR)")).to_have_value("250.000")
    summary.get_by_role("link", name="Toelichting: Vul dit veld in.").click()
    expect(page.get_by_label("Toelichting")).to_be_focused()
    assert tasks.tasks_of_instance(db, cycle.id)[0].state == "open"

    page.get_by_label("Plustaken (EUR)").fill("0")
    page.get_by_label("Toelichting").fill("Geen plustaken dit jaar.")
    pages.click("button", "Taak afronden")
    expect(page.get_by_role("status")).to_contain_text("is afgerond")


def test_a_user_opening_another_users_task_is_refused(
        db: Database, cycle: ProcessInstance, pages: Pages) -> None:
    """MTG-8 in spirit: the netwerksecretaris has no part in the budget; the URL of the manager's
    task shows nothing of it."""
    draft = tasks.inbox(db, "mia")[0]
    pages.sign_in("nina")
    assert pages.go(f"/tasks/{draft.id}") == 404
    body = pages.page.locator("main").inner_text()
    assert DRAFT not in body and "Begroting 2027" not in body
    expect(pages.page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")


def test_the_language_switch_turns_the_pages_into_english_and_back(
        db: Database, cycle: ProcessInstance, pages: Pages) -> None:
    page = pages.page
    pages.sign_in("mia")
    assert page.locator("html").get_attribute("lang") == "nl"
    pages.click("button", "English")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    pages.open_task(DRAFT)  # the choice stays for the next pages
    expect(page.get_by_role("button", name="Complete task")).to_be_visible()
    expect(page.get_by_text("no due date")).to_be_visible()
    pages.click("button", "Complete task")
    expect(page.get_by_role("alert")).to_contain_text("Fill in this field.")
    pages.click("button", "Nederlands")
    expect(page.get_by_role("heading", level=1)).to_have_text(DRAFT)
    expect(page.get_by_role("button", name="Taak afronden")).to_be_visible()
