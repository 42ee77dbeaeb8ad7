"""The form editor in Chromium: fields added without code, a live preview by the inbox's
renderer with the server's messages, the JSON view in step, and the form deployed with the
draft."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from engine import deploy, drafts
from engine.db import Database
from engine.process_owners import PROCESS_OWNER_ROLE

from ...conftest import BPMN, make_user
from .conftest import Pages

KEY = "budget_cycle"
FORM = "budget-begroting-schema.json"

@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: what the browser shows is the same on both databases, and the engine and
    page tests below it run on both."""
    return sqlite_db


def _open_form_from_the_modeler(pages: Pages) -> Page:
    page = pages.page
    pages.exclude = ["#canvas"]
    pages.go(f"/processen/{KEY}/bewerken")
    expect(page.locator("#problems-summary")).to_have_text("Geen problemen")
    page.locator('#canvas g.djs-element[data-element-id="draft_budget"]').first.click()
    expect(page.locator("#properties").get_by_label("Formulier")).to_have_value(FORM)
    with page.expect_navigation():
        page.locator("#properties").get_by_role("button", name="Formulier bewerken").click()
    expect(page.locator("h1")).to_contain_text(FORM)
    pages.exclude = []
    pages.check_accessibility()
    return page


def test_an_owner_adds_a_required_amount_and_sees_it_in_the_preview_and_the_diff(
        db: Database, pages: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("olga")
    page = _open_form_from_the_modeler(pages)
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Reguliere basistaken (EUR)")
    page.get_by_role("button", name="Veld toevoegen").click()
    card = page.locator(".field-card").last
    card.get_by_label("Label").fill("Kosten per gemeente")
    expect(card.get_by_label("Naam")).to_have_value("kosten_per_gemeente")
    card.get_by_label("Soort").select_option(label="Bedrag in euro")
    card = page.locator(".field-card").last
    card.get_by_label("Verplicht").check()
    expect(preview).to_contain_text("Kosten per gemeente")
    expect(preview.locator("label", has_text="Kosten per gemeente")).to_contain_text("verplicht")
    page.locator("#json-view summary").click()
    schema = json.loads(page.locator("#json-schema").input_value())
    assert schema["properties"]["kosten_per_gemeente"] == {
        "type": "number", "minimum": 0, "title": "Kosten per gemeente"}
    assert "kosten_per_gemeente" in schema["required"]

    page.get_by_role("button", name="Deze waarden proberen").click()
    expect(preview.locator(".error-summary")).to_contain_text("Kosten per gemeente")
    pages.check_accessibility()
    page.locator("#save-form").click()
    expect(page.locator("#form-status")).to_contain_text("Formulier opgeslagen")

    pages.exclude = ["#canvas"]
    pages.click("link", "Terug naar het diagram")
    page.get_by_label("Wijzigingsnotitie").fill("Kosten per gemeente gevraagd")
    with page.expect_navigation():
        page.locator("#deploy").click()
    expect(page.locator("body")).to_contain_text("Versie 2 is gepubliceerd")
    with db.reading() as session:
        latest = deploy.latest_definition(session, KEY)
        assert "kosten_per_gemeente" in json.loads(latest.resources[FORM])["required"]

    pages.click("link", "Vergelijken")  # the latest version against the one before
    changes = page.locator("#changes-heading + p + ul.diff-list")
    expect(changes).to_contain_text(
        "Formulier 'Begroting opstellen': veld 'kosten_per_gemeente' toegevoegd (verplicht)")


def test_a_new_form_for_a_task_is_made_from_the_modeler_and_the_task_uses_it(
        db: Database, pages: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("olga")
    page = pages.page
    pages.exclude = ["#canvas"]
    pages.go(f"/processen/{KEY}/bewerken")
    page.locator('#canvas g.djs-element[data-element-id="review_mayor"]').first.click()
    with page.expect_navigation():
        page.locator("#properties").get_by_role("button", name="Nieuw formulier").click()
    new = "budget_cycle-review_mayor-schema.json"
    expect(page.locator("h1")).to_contain_text(new)
    expect(page.locator("#preview")).to_contain_text("Het formulier heeft nog geen velden.")
    page.get_by_label("Titel van het formulier").fill("Oordeel burgemeester")
    page.get_by_role("button", name="Veld toevoegen").click()
    card = page.locator(".field-card").last
    card.get_by_label("Label").fill("Oordeel")
    card.get_by_label("Soort").select_option(label="Keuze")
    page.locator(".field-card").last.get_by_label("Keuzes, één per regel").fill(
        "akkoord\nniet akkoord")
    expect(page.locator("#preview")).to_contain_text("niet akkoord")
    page.locator("#save-form").click()
    expect(page.locator("#form-status")).to_contain_text("Formulier opgeslagen")
    pages.exclude = ["#canvas"]
    pages.click("link", "Terug naar het diagram")
    page.locator('#canvas g.djs-element[data-element-id="review_mayor"]').first.click()
    expect(page.locator("#properties").get_by_label("Formulier")).to_have_value(new)
    expect(page.locator("#problems-summary")).to_have_text("Geen problemen")  # the form exists
    with db.reading() as session:
        assert new in drafts.editable(session, KEY).resources
