"""Dutch screenshots of the inbox, a task page, the process catalogue and the editor, and the
managers' pages.
Written to a temporary folder on every run (so the pages behind the README's pictures keep
working), and to docs/ by `make screenshots` (GOVFLOW_SCREENSHOTS=docs)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import update

from engine import deploy, instances, tasks
from engine.clock import LOCAL_ZONE, now
from engine.db import Database
from engine.models import HumanTask
from engine.process_owners import PROCESS_OWNER_ROLE
from workflows.demo_year import seed_demo_year

from ...conftest import BPMN, make_user
from ..meeting_versions import deploy_two_meetings
from .conftest import Pages
from .test_test_run import MONDAY, live_people, start_and_vote

ROOT = Path(__file__).parents[3]


@pytest.fixture
def app(sqlite_app: Flask) -> Flask:
    """SQLite only: the pictures do not depend on the database."""
    return sqlite_app


def _demo(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    make_user(db, "bert", "Portefeuillehouder ZVH")
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    for title, document, draft in (
            ("Jaarverslag 2026", "jaarverslag",
             {"aantal_casussen": 412, "uitgaven": 281500.5,
              "aard_casussen": "Vooral multiproblematiek en huiselijk geweld."}),
            ("Begroting 2027", "begroting",
             {"basistaken": 250000, "plustaken": 40000,
              "toelichting": "Basistaken als vorig jaar plus indexatie; plustaken voor de "
                             "ondersteuning van de Stamtafel."})):
        instance = instances.start_instance(db, "budget_cycle", title=title,
                                            data={"document": document}, actor="mia")
        draft_task = tasks.inbox(db, "mia")[0]
        tasks.complete_task(db, draft_task.id, "mia", draft)
        due = now() + (timedelta(days=-3) if document == "jaarverslag" else timedelta(days=12))
        with db.transaction() as session:
            session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id,
                                                    HumanTask.state == "open")
                            .values(due_at=due))


def test_screenshots_of_the_inbox_and_a_task_page(sqlite_db: Database, pages: Pages,
                                                  tmp_path: Path) -> None:
    target = ROOT / os.environ["GOVFLOW_SCREENSHOTS"] if os.environ.get(
        "GOVFLOW_SCREENSHOTS") else tmp_path
    _demo(sqlite_db)
    page = pages.page
    page.set_viewport_size({"width": 1280, "height": 720})
    pages.sign_in("bert")
    page.screenshot(path=target / "inbox.png", full_page=True)
    pages.click("link", "Concept beoordelen (namens DVO)")  # the newest: Begroting 2027
    page.screenshot(path=target / "task.png", full_page=True)
    assert (target / "inbox.png").stat().st_size > 10_000
    assert (target / "task.png").stat().st_size > 10_000


def test_screenshots_of_the_catalogue_and_the_editor(sqlite_db: Database, pages: Pages,
                                                     tmp_path: Path) -> None:
    target = ROOT / os.environ["GOVFLOW_SCREENSHOTS"] if os.environ.get(
        "GOVFLOW_SCREENSHOTS") else tmp_path
    make_user(sqlite_db, "olga", PROCESS_OWNER_ROLE)
    make_user(sqlite_db, "mia", "Manager ZVH")
    deploy.deploy(sqlite_db, [BPMN], "tester")
    instances.start_instance(sqlite_db, "budget_cycle", title="Begroting 2027",
                             data={"document": "begroting"}, actor="mia")
    page = pages.page
    page.set_viewport_size({"width": 1280, "height": 900})
    pages.sign_in("olga")
    pages.go("/processen")
    page.screenshot(path=target / "processes.png", full_page=True)
    pages.exclude = ["#canvas"]
    pages.go("/processen/budget_cycle/bewerken")
    expect(page.locator("#problems-summary")).to_have_text("Geen problemen")
    page.locator('#canvas g.djs-element[data-element-id="start_budget_year"]').first.click()
    page.locator("#properties").get_by_label("Waarde", exact=True).fill("elke week")
    expect(page.locator("#problems li", has_text="elke week").first).to_be_visible()
    page.screenshot(path=target / "editor.png", full_page=True)
    assert (target / "processes.png").stat().st_size > 10_000
    assert (target / "editor.png").stat().st_size > 10_000


def test_screenshot_of_the_form_editor(sqlite_db: Database, pages: Pages, tmp_path: Path) -> None:
    target = ROOT / os.environ["GOVFLOW_SCREENSHOTS"] if os.environ.get(
        "GOVFLOW_SCREENSHOTS") else tmp_path
    make_user(sqlite_db, "olga", PROCESS_OWNER_ROLE)
    deploy.deploy(sqlite_db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    page = pages.page
    page.set_viewport_size({"width": 1280, "height": 900})
    pages.sign_in("olga")
    pages.go("/processen/budget_cycle/formulieren/budget-begroting-schema.json/bewerken")
    page.get_by_role("button", name="Veld toevoegen").click()
    card = page.locator(".field-card").last
    card.get_by_label("Label").fill("Kosten per gemeente")
    card.get_by_label("Soort").select_option(label="Bedrag in euro")
    page.locator(".field-card").last.get_by_label("Verplicht").check()
    expect(page.locator("#preview")).to_contain_text("Kosten per gemeente")
    page.get_by_role("button", name="Deze waarden proberen").click()
    expect(page.locator("#preview .error-summary")).to_be_visible()
    page.screenshot(path=target / "form-editor.png", full_page=True)
    assert (target / "form-editor.png").stat().st_size > 10_000


def test_screenshot_of_a_test_run(app: Flask, sqlite_db: Database, pages: Pages,
                                  tmp_path: Path) -> None:
    """A test run of decision after the vote of one member and the reminder of the other."""
    target = ROOT / os.environ["GOVFLOW_SCREENSHOTS"] if os.environ.get(
        "GOVFLOW_SCREENSHOTS") else tmp_path
    app.config["TEST_RUN_FOLDER"] = str(tmp_path / "runs")
    page = pages.page
    page.set_viewport_size({"width": 1280, "height": 900})
    with time_machine.travel(MONDAY, tick=True):
        live_people(sqlite_db)
        pages.sign_in("olga")
        pages.go("/processen/decision")
        pages.exclude = ["#canvas"]
        pages.click("button", "Proefrit")
        start_and_vote(pages)
        pages.click("button", "Naar de volgende timer")
        expect(page.locator("#run-notifications")).to_contain_text("Herinnering")
        page.wait_for_timeout(300)  # the badges on the diagram
        page.screenshot(path=target / "test-run.png", full_page=True)
    assert (target / "test-run.png").stat().st_size > 10_000


def test_screenshot_of_the_diff_of_two_versions(sqlite_db: Database, pages: Pages,
                                                tmp_path: Path) -> None:
    """Version 2 of meeting against version 1: a timer, a default flow, a form field."""
    target = ROOT / os.environ["GOVFLOW_SCREENSHOTS"] if os.environ.get(
        "GOVFLOW_SCREENSHOTS") else tmp_path
    deploy_two_meetings(sqlite_db)
    make_user(sqlite_db, "mia", "Manager ZVH")
    page = pages.page
    page.set_viewport_size({"width": 1280, "height": 900})
    pages.sign_in("mia")
    pages.exclude = ["#canvas"]
    pages.go("/processen/meeting/verschil")
    expect(page.locator('#canvas g.djs-element.diff-changed[data-element-id="akkoord_gw"]')
           ).to_have_count(1)
    page.screenshot(path=target / "diff.png", full_page=True)
    assert (target / "diff.png").stat().st_size > 10_000


def test_screenshots_of_the_managers_pages(sqlite_db: Database, pages: Pages,
                                           tmp_path: Path) -> None:
    """The demo year of `make run` as its managers see it (the README says who sees what)."""
    target = ROOT / os.environ["GOVFLOW_SCREENSHOTS"] if os.environ.get(
        "GOVFLOW_SCREENSHOTS") else tmp_path
    until = datetime(2027, 11, 20, 12, 0, tzinfo=LOCAL_ZONE)
    with time_machine.travel(until, tick=False):
        seed_demo_year(sqlite_db, BPMN, "welkom-demo", until=until)
    page = pages.page
    page.set_viewport_size({"width": 1280, "height": 900})
    shots = {}
    with time_machine.travel(until, tick=True):
        pages.sign_in("manager.zvh", "welkom-demo")
        pages.click("link", "Overzicht")
        shots["overview.png"] = page.screenshot(full_page=True)
        pages.exclude = ["#canvas"]
        with page.expect_navigation():
            page.get_by_role("link", name="Toetreding Reclassering").click()
        expect(page.locator("#instance-error")).to_contain_text("al partner")
        page.locator("#canvas .run-badge").first.wait_for()
        shots["instance.png"] = page.screenshot(full_page=True)
        pages.click("link", "Vergaderfrequentie")
        shots["frequency.png"] = page.screenshot(full_page=True)
        pages.sign_out()
        pages.sign_in("secretaris.stuurgroep", "welkom-demo")
        pages.go("/overzicht/te-laat")
        expect(page.locator("table.late-work")).to_contain_text("Agenda en stukken versturen")
        shots["late-work.png"] = page.screenshot(full_page=True)
    for name, picture in shots.items():
        (target / name).write_bytes(picture)
        assert len(picture) > 10_000
