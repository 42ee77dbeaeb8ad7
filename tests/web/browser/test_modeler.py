"""The process owner's editor in Chromium: bpmn-js with the govflow properties, lint and the
server's checks as you draw, drafts, deploy from the browser, and a lossless round trip of
every catalogue diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Page, expect

from engine import deploy, drafts, instances
from engine.db import Database
from engine.diagrams import Source
from engine.process_owners import PROCESS_OWNER_ROLE
from engine.spiff import SERIALIZER, new_parser

from ...conftest import BPMN, make_user
from .conftest import Pages

KEY = "budget_cycle"
TIMER = "start_budget_year"
TASK = "draft_budget"

@pytest.fixture
def db(sqlite_db: Database) -> Database:
    """SQLite only: what the browser shows is the same on both databases, and the engine and
    page tests below it run on both."""
    return sqlite_db


def _owner(db: Database) -> str:
    return make_user(db, "olga", PROCESS_OWNER_ROLE)


def _select(page: Page, element_id: str) -> None:
    page.locator(f'#canvas g.djs-element[data-element-id="{element_id}"]').first.click()
    expect(page.locator("#properties").get_by_label("ID", exact=True)).to_have_value(element_id)


def _open_editor(pages: Pages, key: str) -> None:
    pages.exclude = ["#canvas"]  # the canvas is a drawing; axe scans the rest of the page
    pages.go(f"/processen/{key}/bewerken")
    expect(pages.page.locator(f'#canvas g.djs-element[data-element-id="{key}"], '
                              "#canvas .djs-container")).not_to_have_count(0)
    expect(pages.page.locator("#problems-summary")).not_to_be_empty()


def test_an_owner_fixes_a_timer_renames_a_task_and_deploys_version_2(
        db: Database, pages: Pages) -> None:
    _owner(db)
    make_user(db, "mia", "Manager ZVH")
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    before = instances.start_instance(db, KEY, title="Begroting 2027",
                                      data={"jaar": 2027, "document": "begroting"}, actor="mia")
    page = pages.page
    pages.sign_in("olga")
    pages.go("/processen")
    pages.click("link", "Begroting en jaarverslag")
    pages.exclude = ["#canvas"]
    pages.click("link", "Bewerken")
    expect(page.locator("#problems-summary")).to_have_text("Geen problemen")

    _select(page, TIMER)
    value = page.locator("#properties").get_by_label("Waarde", exact=True)
    value.fill("elke week")
    problem = page.locator("#problems li", has_text="elke week").first
    expect(problem).to_be_visible()
    expect(page.locator(f'g.djs-element.govflow-problem[data-element-id="{TIMER}"]')).to_have_count(1)
    page.locator(f'#canvas g.djs-element[data-element-id="{TASK}"]').first.click()
    problem.get_by_role("button").first.click()
    expect(page.locator(f'g.djs-element.selected[data-element-id="{TIMER}"]')).to_have_count(1)
    expect(page.locator("#save-status")).to_contain_text("Niet opgeslagen")

    value = page.locator("#properties").get_by_label("Waarde", exact=True)
    value.fill("R/2025-09-01T09:00/P1Y")
    expect(page.locator("#problems li", has_text="elke week")).to_have_count(0)
    _select(page, TASK)
    page.locator("#properties").get_by_label("Naam", exact=True).fill("Begroting voorbereiden")
    page.get_by_label("Wijzigingsnotitie").fill("Taak hernoemd")
    with page.expect_navigation():
        page.locator("#deploy").click()
    expect(page.locator("body")).to_contain_text("Versie 2 is gepubliceerd")
    pages.check_accessibility()
    after = instances.start_instance(db, KEY, title="Begroting 2028",
                                     data={"jaar": 2028, "document": "begroting"}, actor="mia")
    with db.reading() as session:
        assert session.get(type(before), before.id).definition.version == 1
        assert session.get(type(after), after.id).definition.version == 2
        assert 'name="Begroting voorbereiden"' in deploy.latest_definition(
            session, KEY).bpmn_xml


def test_the_catalogue_and_a_version_page_pass_axe_and_a_participant_gets_403(
        db: Database, pages: Pages) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    pages.sign_in("mia")
    pages.go("/processen")
    pages.click("link", "Begroting en jaarverslag")
    pages.exclude = ["#canvas"]
    pages.click("link", "Versie 1 bekijken")
    expect(pages.page.locator(f'#canvas g.djs-element[data-element-id="{TIMER}"]')).to_have_count(1)
    assert pages.go(f"/processen/{KEY}/bewerken") == 403
    expect(pages.page.locator("h1")).to_have_text("Niet toegestaan")


def test_unsaved_changes_are_saved_as_a_draft_and_warned_of_before_leaving(
        db: Database, pages: Pages) -> None:
    _owner(db)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    page = pages.page
    pages.sign_in("olga")
    _open_editor(pages, KEY)
    _select(page, TASK)
    page.locator("#properties").get_by_label("Naam", exact=True).fill("Begroting voorbereiden")
    expect(page.locator("#save-status")).to_contain_text("Niet opgeslagen")
    warned: list[str] = []
    page.once("dialog", lambda dialog: (warned.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert warned == ["beforeunload"]


def _spec_dicts(sources: list[Source], key: str) -> dict[str, Any]:
    """The parsed specs of a process and its sub-processes, as SpiffWorkflow serializes
    them, without the file name."""
    parser = new_parser()
    for source in sources:
        parser.add_bpmn_xml(etree.fromstring(source.text.encode()), filename="x.bpmn")
    specs = {key: parser.get_spec(key), **parser.get_subprocess_specs(key)}
    return {name: _without_file(SERIALIZER.to_dict(spec)) for name, spec in specs.items()}


def _without_file(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_file(v) for k, v in value.items() if k != "file"}
    if isinstance(value, list):
        return [_without_file(v) for v in value]
    return value


@pytest.mark.parametrize("diagram", sorted(p.name for p in BPMN.glob("*.bpmn")))
def test_every_catalogue_diagram_saved_unchanged_deploys_the_same(
        db: Database, pages: Pages, tmp_path: Path, diagram: str) -> None:
    """Open in the editor, download what bpmn-js writes, deploy that: same parsed specs, and
    every spiffworkflow extension and multi-instance collection kept."""
    _owner(db)
    deploy.deploy(db, [BPMN], "tester")
    original = (BPMN / diagram).read_text()
    key = etree.fromstring(original.encode()).xpath(
        "//bpmn:process[@isExecutable='true']/@id",
        namespaces={"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"})[0]
    pages.sign_in("olga")
    _open_editor(pages, key)
    with pages.page.expect_download() as download:
        pages.page.locator("#download-bpmn").click()
    written = Path(download.value.path()).read_text()
    for tag in ("spiffworkflow:property ", "spiffworkflow:postScript", "spiffworkflow:preScript",
                "spiffworkflow:serviceTaskOperator", "spiffworkflow:parameter ",
                "bpmn:loopDataInputRef", "bpmn:loopDataOutputRef"):
        assert written.count("<" + tag) == original.count("<" + tag), tag
    others = [Source(p.name, p.read_text()) for p in BPMN.glob("*.bpmn") if p.name != diagram]
    assert _spec_dicts([Source(diagram, written), *others], key) == \
        _spec_dicts([Source(diagram, original), *others], key)
    saved = drafts.save_draft(db, key, written, "olga", None)
    assert saved.problems == []
    done = drafts.deploy_draft(db, key, "olga", "Onveranderd opgeslagen", saved.revision)
    assert done.version == 2
