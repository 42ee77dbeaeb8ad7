"""Papers through the pages in a real browser: the secretary attaches them at a task, a member
reads them, a member of another body gets 404 for the same file (MTG-8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from engine.db import Database

from ...conftest import make_user
from ..paper_files import PDF, PROGRAM, odt, papers_case
from .conftest import Pages, browser_tab


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """The pages do the same on either database; the engine's tests cover both."""
    return sqlite_db


@pytest.fixture
def case(db: Database) -> int:
    return papers_case(db)


def test_mtg8_papers_are_attached_and_read_by_members_only(
        case: int, pages: Pages, browser: Browser, live_server: str) -> None:
    page = pages.page
    pages.sign_in("sara")
    pages.open_task("Stukken toevoegen")
    upload = page.get_by_label("Bestanden toevoegen")
    # A program named as a PDF is refused, with the reason, and the form is shown again.
    upload.set_input_files([{"name": "agenda.pdf", "mimeType": "application/pdf",
                             "buffer": PROGRAM}])
    pages.click("button", "Taak afronden")
    summary = page.get_by_role("link", name="Stukken: De inhoud van “agenda.pdf” is niet wat")
    expect(summary).to_have_attribute("href", "#field-stukken-new")
    expect(page.locator("#field-stukken-error")).to_contain_text("niet wat de naam zegt")
    page.get_by_label("Bestanden toevoegen").set_input_files([
        {"name": "agenda.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": "voorstel.odt", "mimeType": "application/vnd.oasis.opendocument.text",
         "buffer": odt()}])
    pages.click("button", "Taak afronden")
    expect(page.get_by_role("status")).to_contain_text("afgerond")
    pages.sign_out()

    with browser_tab(browser, live_server) as member:
        member.sign_in("anna")
        assert member.go(f"/zaken/{case}/stukken") == 200
        expect(member.page.get_by_role("heading", level=1)).to_contain_text(
            "Vergadering Regiekamer")
        link = member.page.get_by_role("link", name="agenda.pdf")
        href = link.get_attribute("href")
        with member.page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "agenda.pdf"
        assert Path(download.value.path()).read_bytes() == PDF
        expect(member.page.get_by_role("link", name="voorstel.odt")).to_be_visible()

    with browser_tab(browser, live_server) as outsider:
        outsider.sign_in("stef")
        assert outsider.go(href or "") == 404
        expect(outsider.page.get_by_role("heading", name="Pagina niet gevonden")).to_be_visible()
        assert outsider.go(f"/zaken/{case}/stukken") == 404


def test_the_settings_page_passes_axe(pages: Pages, db: Database) -> None:
    make_user(db, "anna", "Lid", scope="regiekamer", email="anna@zvh.example")
    pages.sign_in("anna")
    pages.go("/instellingen")
    pages.click("button", "Maak het adres van mijn agenda")
    assert "/agenda/" in pages.page.get_by_label("Adres van uw agenda").input_value()
    pages.page.get_by_label("In een dagelijks overzicht").first.check()
    pages.click("button", "Opslaan")
    expect(pages.page.get_by_role("status")).to_contain_text("opgeslagen")
