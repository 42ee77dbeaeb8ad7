"""Who sees what on the manager pages (MTG-8), with two bodies: Regiekamer and Stuurgroep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from engine import deploy, identity, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import ProcessInstance
from engine.oversight import (
    Oversight,
    may_manage_instance,
    may_see_instance,
    oversight_of,
    visible_instances,
)

from ..conftest import BPMN, make_user
from ..processes.meeting_support import deploy_governance, make_members

PREPARING = datetime(2027, 2, 8, 9, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def two_bodies(db: Database) -> Iterator[Database]:
    """A meeting of the Regiekamer, one of the Stuurgroep, and a budget cycle (unscoped)."""
    with time_machine.travel(PREPARING, tick=True):
        deploy_governance(db)
        deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
        make_members(db, "regiekamer", "stuurgroep")
        make_user(db, "mia", "Manager ZVH")
        make_user(db, "nina", "Netwerksecretaris")
        for orgaan, secretary in (("regiekamer", "sara"), ("stuurgroep", "gerda")):
            instances.start_instance(db, "meeting", title=f"Vergadering {orgaan}",
                                     actor=secretary, scope=orgaan, data={"orgaan": orgaan})
        instances.start_instance(db, "budget_cycle", title="Begroting 2028", actor="mia",
                                 data={"jaar": 2028, "document": "begroting"})
        yield db


def _visible_titles(db: Database, oversight: Oversight) -> set[str]:
    with db.reading() as session:
        return set(session.scalars(select(ProcessInstance.title)
                                   .where(visible_instances(oversight))))


def _oversight(db: Database, username: str, on: date | None = None) -> Oversight:
    with db.reading() as session:
        return oversight_of(session, username, on)


def test_mtg8_secretary_of_the_regiekamer_sees_no_stuurgroep_meeting(two_bodies) -> None:
    """MTG-8: a body's secretary and chair see their own body's meetings, no other body's."""
    with time_machine.travel(PREPARING, tick=False):
        sara, vera = _oversight(two_bodies, "sara"), _oversight(two_bodies, "vera")
    assert sara == Oversight(network=False, bodies=frozenset({"regiekamer"}))
    assert vera.bodies == frozenset({"regiekamer"}) and sara.any
    assert _visible_titles(two_bodies, sara) == {"Vergadering regiekamer"}
    assert _visible_titles(two_bodies, vera) == {"Vergadering regiekamer"}
    assert may_see_instance(sara, "meeting", "regiekamer")
    assert not may_see_instance(sara, "meeting", "stuurgroep")
    assert not may_manage_instance(sara, "meeting", "stuurgroep")
    assert not may_see_instance(sara, "budget_cycle", None)


def test_mtg8_network_managers_see_the_network_cycles_not_the_bodies_meetings(
        two_bodies) -> None:
    """MTG-8: the Manager ZVH and the netwerksecretaris see the ZVH and Stamtafel cycles
    (unscoped) and no body's meeting by their network role."""
    with time_machine.travel(PREPARING, tick=False):
        mia, nina = _oversight(two_bodies, "mia"), _oversight(two_bodies, "nina")
    assert mia == nina == Oversight(network=True, bodies=frozenset())
    assert _visible_titles(two_bodies, mia) == {"Begroting 2028"}
    assert may_manage_instance(mia, "budget_cycle", None)
    assert not may_see_instance(mia, "meeting", "regiekamer")


def test_mtg8_a_participant_sees_nothing(two_bodies) -> None:
    """MTG-8: a member without chair or secretary role has no manager pages at all."""
    with time_machine.travel(PREPARING, tick=False):
        anna = _oversight(two_bodies, "anna")
        nobody = _oversight(two_bodies, "nobody-at-all")
    assert anna == nobody == Oversight()
    assert not anna.any
    assert _visible_titles(two_bodies, anna) == set()
    assert not may_see_instance(anna, "meeting", "regiekamer")
    assert not may_see_instance(anna, "budget_cycle", None)


def test_mtg8_oversight_follows_the_dates_of_the_role(two_bodies) -> None:
    """MTG-8: a secretary whose term ended no longer sees the body; one not yet started does
    not see it yet; an inactive user sees nothing."""
    with time_machine.travel(PREPARING, tick=False):
        identity.end_role(two_bodies, "sara", "Secretaris", scope="regiekamer",
                          last_day=date(2027, 3, 31))
        identity.assign_role(two_bodies, "gerda", "Secretaris", scope="regiekamer",
                             valid_from=date(2027, 4, 1))
    assert _oversight(two_bodies, "sara", date(2027, 3, 31)).bodies == {"regiekamer"}
    assert not _oversight(two_bodies, "sara", date(2027, 4, 1)).any
    assert _oversight(two_bodies, "gerda", date(2027, 3, 31)).bodies == {"stuurgroep"}
    assert _oversight(two_bodies, "gerda", date(2027, 4, 1)).bodies == {
        "stuurgroep", "regiekamer"}
    with two_bodies.transaction() as session:
        identity.find_user(session, "gerda").is_active = False
    assert not _oversight(two_bodies, "gerda", date(2027, 4, 1)).any
