"""Drafts of process owners: saved and checked without deploying, conflicts between two owners,
deployed as the next version with a change note (all or nothing), new processes and roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import deploy, drafts, instances, versions
from engine.db import Database
from engine.errors import DeploymentRejected, InvalidInput, NotAllowed
from engine.models import AuditEvent, Draft, ProcessDefinition, TimerSchedule
from engine.process_owners import PROCESS_OWNER_ROLE, add_role

from ..conftest import BPMN, make_user

KEY = "budget_cycle"


@pytest.fixture
def owners(db: Database) -> tuple[str, str]:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    return make_user(db, "olga", PROCESS_OWNER_ROLE), make_user(db, "otto", PROCESS_OWNER_ROLE)


def _latest_xml(db: Database, key: str = KEY) -> str:
    with db.reading() as session:
        return deploy.latest_definition(session, key).bpmn_xml


def _renamed(xml: str, old: str = 'name="Begroting opstellen"',
             new: str = 'name="Begroting voorbereiden"') -> str:
    assert old in xml
    return xml.replace(old, new)


def test_a_draft_is_saved_and_checked_but_not_deployed(db: Database, owners) -> None:
    saved = drafts.save_draft(db, KEY, _renamed(_latest_xml(db)), "olga", None)
    assert saved.revision == 1 and saved.problems == []
    with db.reading() as session:
        draft = session.get(Draft, KEY)
        assert (draft.saved_by, draft.base_version) == ("olga", 1)
        assert "budget-begroting-schema.json" in draft.resources
        assert deploy.latest_definition(session, KEY).version == 1


def test_a_stale_save_is_refused_and_the_first_save_is_kept(db: Database, owners) -> None:
    xml = _latest_xml(db)
    first = drafts.save_draft(db, KEY, _renamed(xml), "olga", None)
    # Otto opened the deployed version before Olga's first save.
    with pytest.raises(drafts.DraftConflict) as refused:
        drafts.save_draft(db, KEY, _renamed(xml, new='name="Otto was hier"'), "otto", None)
    assert refused.value.saved_by == "olga"
    # And once more on a revision that is no longer the latest.
    drafts.save_draft(db, KEY, _renamed(xml, new='name="Olga opnieuw"'), "olga", first.revision)
    with pytest.raises(drafts.DraftConflict):
        drafts.save_draft(db, KEY, _renamed(xml, new='name="Otto was hier"'), "otto",
                          first.revision)
    with db.reading() as session:
        draft = session.get(Draft, KEY)
        assert "Olga opnieuw" in draft.bpmn_xml and "Otto" not in draft.bpmn_xml
        assert draft.revision == 2


def test_only_process_owners_change_processes(db: Database, owners) -> None:
    make_user(db, "mia", "Manager ZVH")
    with pytest.raises(NotAllowed):
        drafts.save_draft(db, KEY, _latest_xml(db), "mia", None)
    with pytest.raises(NotAllowed):
        drafts.new_process(db, "nieuw", "Nieuw", "mia")
    with pytest.raises(NotAllowed):
        add_role(db, "Coördinator", None, "mia")
    with db.reading() as session:
        assert session.get(Draft, KEY) is None


def test_a_draft_with_problems_is_saved_with_them_located(db: Database, owners) -> None:
    broken = _latest_xml(db).replace("R/2025-09-01T09:00/P1Y", "elke week")
    saved = drafts.save_draft(db, KEY, broken, "olga", None)
    assert saved.revision == 1
    assert {p.element for p in saved.problems} == {"start_budget_year"}
    assert "elke week" in saved.problems[0].message
    with pytest.raises(DeploymentRejected) as rejected:
        drafts.deploy_draft(db, KEY, "olga", "Elke week een begroting", saved.revision)
    assert rejected.value.found[0].element == "start_budget_year"
    with db.reading() as session:
        assert session.get(Draft, KEY) is not None
        assert deploy.latest_definition(session, KEY).version == 1


def test_deploying_a_draft_makes_the_next_version_and_running_instances_keep_theirs(
        db: Database, owners) -> None:
    make_user(db, "mia", "Manager ZVH")
    before = instances.start_instance(db, KEY, title="Begroting 2027",
                                      data={"jaar": 2027, "document": "begroting"}, actor="mia")
    saved = drafts.save_draft(db, KEY, _renamed(_latest_xml(db)), "olga", None)
    done = drafts.deploy_draft(db, KEY, "olga", "Taak hernoemd", saved.revision)
    assert (done.version, done.status) == (2, "new")
    after = instances.start_instance(db, KEY, title="Begroting 2028",
                                     data={"jaar": 2028, "document": "begroting"}, actor="mia")
    with db.reading() as session:
        assert session.get(Draft, KEY) is None
        versions_by_instance = {i: session.get(type(before), i).definition.version
                                for i in (before.id, after.id)}
        assert versions_by_instance == {before.id: 1, after.id: 2}
        newest = deploy.latest_definition(session, KEY)
        assert (newest.change_note, newest.deployed_by) == ("Taak hernoemd", "olga")
        schedule_versions = {s.definition.version for s in session.scalars(
            select(TimerSchedule).where(TimerSchedule.process_key == KEY))}
        assert schedule_versions == {2}
        kinds = list(session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.in_(
            ["draft_saved", "process_deployed", "draft_deployed"])).order_by(AuditEvent.id)))
        assert kinds == ["process_deployed", "draft_saved", "process_deployed", "draft_deployed"]
        listed = versions.versions_of(session, KEY).rows
        assert [(v.version, v.running, v.change_note) for v in listed] == \
            [(2, 1, "Taak hernoemd"), (1, 1, None)]


def test_a_deploy_needs_a_note_a_change_and_the_latest_revision(db: Database, owners) -> None:
    xml = _latest_xml(db)
    saved = drafts.save_draft(db, KEY, xml, "olga", None)
    with pytest.raises(InvalidInput) as no_note:
        drafts.deploy_draft(db, KEY, "olga", "  ", saved.revision)
    assert no_note.value.problems == {"note": "required"}
    with pytest.raises(InvalidInput) as unchanged:
        drafts.deploy_draft(db, KEY, "olga", "Niets veranderd", saved.revision)
    assert "same as version 1" in unchanged.value.message
    newer = drafts.save_draft(db, KEY, _renamed(xml), "otto", saved.revision)
    with pytest.raises(drafts.DraftConflict):
        drafts.deploy_draft(db, KEY, "olga", "Oud concept", saved.revision)
    with db.reading() as session:
        assert session.get(Draft, KEY).revision == newer.revision
        assert deploy.latest_definition(session, KEY).version == 1


def test_the_process_id_of_a_draft_is_its_key(db: Database, owners) -> None:
    other = _latest_xml(db).replace('id="budget_cycle"', 'id="begroting"')
    with pytest.raises(InvalidInput) as refused:
        drafts.save_draft(db, KEY, other, "olga", None)
    assert "no process with id 'budget_cycle'" in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        drafts.save_draft(db, KEY, "<bpmn:definitions", "olga", None)
    assert "malformed XML" in refused.value.message


def test_a_new_process_starts_blank_or_as_a_copy_and_deploys(db: Database, owners) -> None:
    drafts.new_process(db, "huisbezoek", "Huisbezoek plannen", "olga")
    drafts.new_process(db, "begroting_kopie", "Begroting (kopie)", "olga", copy_of=KEY)
    with db.reading() as session:
        blank = session.get(Draft, "huisbezoek")
        copy = session.get(Draft, "begroting_kopie")
        assert blank.base_version is None and "Huisbezoek plannen" in blank.bpmn_xml
        assert 'processRef="begroting_kopie"' in copy.bpmn_xml
        assert set(copy.resources) == set(deploy.latest_definition(session, KEY).resources)
    for key in ("huisbezoek", "begroting_kopie"):
        assert drafts.deploy_draft(db, key, "olga", "Nieuw proces", 1).version == 1
    with db.reading() as session:
        rows = versions.catalogue(session).rows
        assert [r.key for r in rows] == ["begroting_kopie", KEY, "huisbezoek"]
        assert all(r.draft is None and r.latest.version == 1 for r in rows)


@pytest.mark.parametrize(("key", "problem"), [
    ("", "required"), ("1abc", "invalid"), ("met spatie", "invalid"), ("a" * 201, "invalid"),
    ("budget_cycle", "exists")])
def test_a_new_process_needs_a_free_and_valid_key(db: Database, owners, key, problem) -> None:
    with pytest.raises(InvalidInput) as refused:
        drafts.new_process(db, key, "Naam", "olga")
    assert refused.value.problems == {"key": problem}


def test_the_catalogue_shows_drafts_and_running_instances_per_version(
        db: Database, owners) -> None:
    make_user(db, "mia", "Manager ZVH")
    instances.start_instance(db, KEY, title="Begroting 2027",
                             data={"jaar": 2027, "document": "begroting"}, actor="mia")
    drafts.save_draft(db, KEY, _renamed(_latest_xml(db)), "otto", None)
    drafts.new_process(db, "huisbezoek", "Huisbezoek plannen", "olga")
    with db.reading() as session:
        rows = {r.key: r for r in versions.catalogue(session).rows}
    assert rows[KEY].running_by_version == {1: 1} and rows[KEY].draft.saved_by == "otto"
    assert rows["huisbezoek"].latest is None and rows["huisbezoek"].draft.revision == 1
    with db.reading() as session:
        first = versions.catalogue(session, limit=1)
        second = versions.catalogue(session, after=first.next, limit=1)
    assert [r.key for r in first.rows + second.rows] == [KEY, "huisbezoek"]
    assert second.next is None


def test_a_process_owner_adds_a_role_that_a_lane_may_then_name(db: Database, owners) -> None:
    role = add_role(db, "  Wijkcoördinator ", "Coördineert de wijkteams", "olga")
    assert role.name == "Wijkcoördinator"
    with pytest.raises(InvalidInput) as twice:
        add_role(db, "wijkcoördinator", None, "otto")
    assert twice.value.problems == {"name": "exists"}
    with pytest.raises(InvalidInput):
        add_role(db, "<script>", None, "otto")
    xml = _latest_xml(db).replace('name="Manager ZVH"', 'name="Wijkcoördinator"', 1)
    saved = drafts.save_draft(db, KEY, xml, "olga", None)
    assert saved.problems == []
    with db.reading() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.kind == "role_added")))
        assert [(e.actor, e.details["role"]) for e in events] == [("olga", "Wijkcoördinator")]
        assert session.scalar(select(ProcessDefinition.version)
                              .where(ProcessDefinition.key == KEY)) == 1
