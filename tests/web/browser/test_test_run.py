"""A test run of a draft in Chromium (issue 12): the owner starts the draft of decision with its
real start form, votes as a member of the demo cast, moves the run's clock past the
beslistermijn and sees the escalation, while no real person's inbox or notifications change."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from playwright.sync_api import Page, expect

from engine import drafts, instances, tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.deploy import deploy
from engine.models import Draft
from engine.notifications import notifications_for
from engine.process_owners import PROCESS_OWNER_ROLE

from ...conftest import BPMN, make_user
from .conftest import Pages

MONDAY = datetime(2027, 3, 8, 10, 0, tzinfo=LOCAL_ZONE)
REAL_PEOPLE = ("voorzitter.dvo", "lid.stuurgroep", "voorzitter.stuurgroep")


@pytest.fixture
def app(sqlite_app: Flask, tmp_path: Path) -> Flask:
    """SQLite only: the run's database is SQLite whatever the live one is (engine tests cover
    both); the runs live in the test's own folder."""
    sqlite_app.config["TEST_RUN_FOLDER"] = str(tmp_path / "runs")
    return sqlite_app


def live_people(db: Database) -> None:
    """Real people with the usernames of the demo cast, and real work in their inboxes."""
    deploy(db, [BPMN / "decision.bpmn", BPMN / "forms"], "tester")
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    make_user(db, "voorzitter.dvo", "Voorzitter", "Lid", scope="dvo")
    make_user(db, "lid.stuurgroep", "Lid", scope="stuurgroep")
    make_user(db, "voorzitter.stuurgroep", "Voorzitter", "Lid", scope="stuurgroep")
    instances.start_instance(db, "decision", title="Echt besluit", actor="olga", data={
        "orgaan": "stuurgroep", "agendapunt": {"titel": "Echt", "voorstel": "Echt werk."},
        "aanwezigen": ["lid.stuurgroep", "voorzitter.stuurgroep"], "afwezigen": []})


def what_they_see(db: Database) -> dict[str, tuple[list, list]]:
    with db.reading() as session:
        notices = {u: [(n.id, n.kind) for n in notifications_for(session, u)]
                   for u in REAL_PEOPLE}
    return {u: ([(t.id, t.state, t.name) for t in tasks.inbox(db, u)], notices[u])
            for u in REAL_PEOPLE}


def start_and_vote(pages: Pages) -> None:
    """On the run's start page: the agenda item of the Stuurgroep, two members present, one
    of whom votes for it as lid.stuurgroep."""
    page = pages.page
    page.get_by_label("Orgaan (verplicht)", exact=True).select_option("stuurgroep")
    page.get_by_label("Onderwerp (verplicht)", exact=True).fill("Werkproces complexe casuïstiek")
    page.get_by_label("Voorstel (verplicht)", exact=True).fill("Het werkproces vaststellen.")
    page.get_by_label("Beslistermijn", exact=True).fill("P7D")
    page.get_by_label("Aanwezige leden (gebruikersnamen) (verplicht)", exact=True).fill(
        "voorzitter.stuurgroep\nlid.stuurgroep")
    pages.click("button", "Proefrit starten")
    expect(page.locator('#canvas g.djs-element.run-active[data-element-id="stemming"]')
           ).not_to_have_count(0)
    row = page.locator("tr", has=page.locator("option", has_text="Lid Stuurgroep"))
    row.get_by_role("combobox").select_option(label="Lid Stuurgroep")
    with page.expect_navigation():
        row.get_by_role("button").click()
    pages.check_accessibility()
    page.get_by_label("voor", exact=True).check()
    pages.click("button", "Afronden als Lid Stuurgroep")
    expect(page.locator(".flash-success")).to_contain_text("Stemmen")


def test_dec5_a_test_run_of_the_decision_draft_shows_the_escalation_and_no_real_inbox_changes(
        sqlite_db: Database, pages: Pages) -> None:
    """DEC-5: the Stuurgroep decides nothing within the term: its matter goes to the DVO, whose
    chair is warned, in the run only."""
    page: Page = pages.page
    with time_machine.travel(MONDAY, tick=True):
        live_people(sqlite_db)
        xml = (BPMN / "decision.bpmn").read_text().replace(
            'name="Voorzitter hoger orgaan waarschuwen"', 'name="Hoger orgaan waarschuwen"')
        drafts.save_draft(sqlite_db, "decision", xml, "olga", None)
        before = what_they_see(sqlite_db)
        assert before["lid.stuurgroep"][0] and before["voorzitter.stuurgroep"][0]  # real votes
        pages.sign_in("olga")
        pages.go("/processen/decision")
        pages.exclude = ["#canvas"]
        pages.click("button", "Proefrit")
        expect(page.locator("h1")).to_contain_text("Proefrit")
        start_and_vote(pages)

        pages.click("button", "Naar de volgende timer")
        expect(page.locator("#run-notifications")).to_contain_text("Herinnering")
        page.get_by_label("Datum", exact=True).fill(
            (MONDAY + timedelta(days=8)).date().isoformat())
        pages.click("button", "Naar datum")
        notices = page.locator("#run-notifications")
        expect(notices).to_contain_text("Escalatie")
        expect(notices).to_contain_text("Voorzitter (dvo)")
        expect(notices).to_contain_text("Voorzitter DVO")
        expect(page.locator("ol.run-steps")).to_contain_text("Beslistermijn verstreken")
        expect(page.locator('#canvas g.djs-element.run-done[data-element-id="waarschuwen"]')
               ).to_have_count(1)
        expect(page.locator("#canvas")).to_contain_text("Hoger orgaan waarschuwen")  # the draft
        expect(page.locator("#next-timer")).to_have_text("Er wacht geen timer.")
        assert what_they_see(sqlite_db) == before

        pages.click("button", "Proefrit weggooien")
        expect(page.locator(".flash-success")).to_contain_text("De proefrit is weggegooid.")
        assert what_they_see(sqlite_db) == before


def test_proefrit_in_the_editor_saves_the_draft_and_runs_it(sqlite_db: Database,
                                                           pages: Pages) -> None:
    """The editor's Proefrit saves what is drawn first, then opens a run of that draft."""
    page: Page = pages.page
    with time_machine.travel(MONDAY, tick=True):
        live_people(sqlite_db)
        pages.sign_in("olga")
        pages.exclude = ["#canvas"]
        pages.go("/processen/decision/bewerken")
        expect(page.locator("#problems-summary")).to_have_text("Geen problemen")
        with page.expect_navigation():
            page.locator("#test-run").click()
        expect(page.locator("h1")).to_contain_text("Proefrit")
        expect(page.locator("p.lead")).to_contain_text(
            "Het concept zoals het is opgeslagen (revisie 1)")
        expect(page.get_by_label("Orgaan (verplicht)", exact=True)).to_be_visible()
        with sqlite_db.reading() as session:
            draft = session.get(Draft, "decision")
            assert draft is not None and draft.revision == 1 and draft.saved_by == "olga"
