"""The editor's govflow properties write what SpiffWorkflow reads; a new role from the editor;
two owners saving one draft from stale copies; a new process from a blank diagram."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from engine import deploy, drafts
from engine.db import Database
from engine.models import AuditEvent, Role
from engine.process_owners import PROCESS_OWNER_ROLE

from ...conftest import BPMN, make_user
from .conftest import Pages, browser_tab

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}

@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: what the browser shows is the same on both databases, and the engine and
    page tests below it (stale drafts among them) run on both."""
    return sqlite_db


def _editor(pages: Pages, key: str) -> Page:
    pages.exclude = ["#canvas"]
    pages.go(f"/processen/{key}/bewerken")
    expect(pages.page.locator("#problems-summary")).not_to_be_empty()
    return pages.page


def _select(page: Page, element_id: str) -> None:
    shape = page.locator(f'#canvas g.djs-element[data-element-id="{element_id}"]').first
    if element_id.lower().startswith("lane"):
        # A lane is picked by its name at the left; its middle belongs to the tasks in it.
        shape.locator(".djs-visual text").first.click(force=True)
    else:
        shape.click()
    expect(page.locator("#properties").get_by_label("ID", exact=True)).to_have_value(element_id)


def _downloaded(page: Page) -> etree._Element:
    with page.expect_download() as download:
        page.locator("#download-bpmn").click()
    return etree.fromstring(Path(download.value.path()).read_bytes())


def test_a_form_and_a_multi_instance_collection_are_written_as_spiffworkflow_reads_them(
        db: Database, pages: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN], "tester")
    pages.sign_in("olga")
    page = _editor(pages, "budget_cycle")
    _select(page, "draft_budget")
    page.locator("#properties").get_by_label("Formulier").select_option(
        "budget-oordeel-wethouder-schema.json")
    page.locator("#properties").get_by_label("Termijn").fill("deadline")
    _select(page, "review_mayor")
    separate = page.locator("#properties").get_by_label("Niet door dezelfde persoon als")
    expect(separate).to_have_value("review_alderman")
    separate.fill("")
    page.keyboard.press("Tab")  # leaving an emptied field writes nothing more
    written = _downloaded(page)

    def properties(task: str) -> dict[str, str]:
        return {p.get("name"): p.get("value") for p in written.xpath(
            f"//bpmn:userTask[@id='{task}']//spiffworkflow:property", namespaces=NS)}
    assert properties("draft_budget") == {
        "formJsonSchemaFilename": "budget-oordeel-wethouder-schema.json",
        "formUiSchemaFilename": "budget-oordeel-wethouder-uischema.json",  # its UI schema too
        "dueDate": "deadline"}
    assert "separateFrom" not in properties("review_mayor")
    page.locator('#canvas g.djs-element[data-element-id="review_mayor"]').first.click()
    page.keyboard.press("Control+z")  # undo on the canvas brings the property back
    assert properties_after_undo(page, "review_mayor").get("separateFrom") == "review_alderman"

    page = _editor(pages, "meeting")
    _select(page, "besluitvorming")
    expect(page.locator("#properties").get_by_label("Aangeroepen proces")).to_have_value(
        "decision")
    collection = page.locator("#properties").get_by_label("Verzameling", exact=True)
    expect(collection).to_have_value("agenda")
    collection.fill("agenda_punten")
    written = _downloaded(page)
    [loop] = written.xpath("//bpmn:callActivity[@id='besluitvorming']"
                           "/bpmn:multiInstanceLoopCharacteristics", namespaces=NS)
    assert loop.findtext("bpmn:loopDataInputRef", namespaces=NS) == "agenda_punten"
    assert loop.findtext("bpmn:loopDataOutputRef", namespaces=NS) == "besluiten"
    assert loop.find("bpmn:inputDataItem", NS).get("name") == "agendapunt"
    # SpiffWorkflow reads the item's id as the variable: a name that is another id is refused.
    variable = page.locator("#properties").get_by_label("Elementvariabele", exact=True)
    variable.fill("verslag_opstellen")
    expect(page.locator("#properties")).to_contain_text(
        "verslag_opstellen is al de id van een ander element")
    assert _downloaded(page).xpath("//bpmn:callActivity[@id='besluitvorming']//"
                                   "bpmn:inputDataItem/@id", namespaces=NS) == ["agendapunt"]


def properties_after_undo(page: Page, task: str) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in _downloaded(page).xpath(
        f"//bpmn:userTask[@id='{task}']//spiffworkflow:property", namespaces=NS)}


def test_an_owner_adds_a_missing_role_from_the_editor_and_gives_it_to_a_lane(
        db: Database, pages: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("olga")
    page = _editor(pages, "budget_cycle")
    _select(page, "lane_chair")
    page.locator("#properties").get_by_role("button", name="Nieuwe rol…").click()
    dialog = page.locator("#role-dialog")
    expect(dialog).to_be_visible()
    pages.check_accessibility()
    dialog.get_by_label("Naam").fill("Voorzitter regiegroep")
    dialog.get_by_label("Omschrijving").fill("Zit de regiegroep voor.")
    dialog.get_by_role("button", name="Rol toevoegen").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#properties").get_by_label("Rol")).to_have_value("Voorzitter regiegroep")
    written = _downloaded(page)
    assert written.xpath("//bpmn:lane[@id='lane_chair']/@name", namespaces=NS) == [
        "Voorzitter regiegroep"]
    with db.reading() as session:
        role = session.scalar(select(Role).where(Role.name == "Voorzitter regiegroep"))
        assert role is not None and role.description == "Zit de regiegroep voor."
        assert session.scalar(select(AuditEvent).where(AuditEvent.kind == "role_added")
                              ) is not None


@pytest.fixture
def second_owner(browser: Browser, live_server: str) -> Iterator[Pages]:
    with browser_tab(browser, live_server) as tab:
        yield tab


def test_of_two_owners_saving_from_stale_copies_the_second_gets_a_conflict_the_first_keeps_it(
        db: Database, pages: Pages, second_owner: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    make_user(db, "noor", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("olga")
    second_owner.sign_in("noor")
    first, second = _editor(pages, "budget_cycle"), _editor(second_owner, "budget_cycle")
    for page, name in ((first, "Begroting van Olga"), (second, "Begroting van Noor")):
        _select(page, "draft_budget")
        page.locator("#properties").get_by_label("Naam", exact=True).fill(name)
        expect(page.locator("#save-status")).to_contain_text("Niet opgeslagen")
    first.locator("#save-draft").click()
    expect(first.locator("#save-status")).to_contain_text("Concept opgeslagen")
    second.locator("#save-draft").click()
    expect(second.locator("#save-status")).to_contain_text("olga")
    expect(second.locator("#save-status")).to_contain_text("Niets van u is opgeslagen")
    with db.reading() as session:
        assert 'name="Begroting van Olga"' in drafts.editable(session, "budget_cycle").xml


def test_a_new_process_from_a_blank_diagram_is_drawn_and_deployed_as_version_1(
        db: Database, pages: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("olga")
    pages.go("/processen")
    pages.click("link", "Nieuw proces")
    pages.page.get_by_label("Naam").fill("Jaarplan")
    pages.page.get_by_label("Sleutel").fill("jaarplan")
    pages.exclude = ["#canvas"]
    pages.click("button", "Concept maken")
    page = pages.page
    expect(page.locator("#problems li")).to_have_text(
        "Fout Lane_1: De baan heeft geen rol: kies er een bij Rol")
    page.locator("#problems li").get_by_role("button").click()  # selects the lane
    expect(page.locator("#properties").get_by_label("ID", exact=True)).to_have_value("Lane_1")
    page.locator("#properties").get_by_label("Rol").select_option("Proceseigenaar")
    expect(page.locator("#problems-summary")).to_have_text("Geen problemen")
    page.get_by_label("Wijzigingsnotitie").fill("Eerste versie")
    with page.expect_navigation():
        page.locator("#deploy").click()
    expect(page.locator("body")).to_contain_text("Versie 1 is gepubliceerd")
    with db.reading() as session:
        definition = deploy.latest_definition(session, "jaarplan")
        assert definition is not None and definition.version == 1
        assert definition.change_note == "Eerste versie"


def test_saving_after_the_session_ended_says_so_and_keeps_the_change_in_the_page(
        db: Database, pages: Pages) -> None:
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("olga")
    page = _editor(pages, "budget_cycle")
    _select(page, "draft_budget")
    page.locator("#properties").get_by_label("Naam", exact=True).fill("Begroting voorbereiden")
    other = Pages(page.context.new_page(), pages.base)
    other.go("/tasks")
    other.sign_out()  # signing out ends every session of the user
    page.locator("#save-draft").click()
    expect(page.locator("#save-status")).to_contain_text("U bent uitgelogd")
    expect(page.locator("#properties").get_by_label("Naam", exact=True)).to_have_value(
        "Begroting voorbereiden")
    with db.reading() as session:
        assert drafts.editable(session, "budget_cycle").revision is None  # no draft saved
