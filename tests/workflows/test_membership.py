"""One model of body membership: who is chair, secretary or member of which body, from when
until when; the names of one body ("Lid DVO") stand for it; the demo users follow it (issue 9)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from engine import identity, tasks
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import RoleAssignment
from workflows.bodies import BODIES
from workflows.catalogue import BODY_ROLES, CHAIR, MEMBER, SECRETARY
from workflows.membership import add_member, end_membership, members_of, memberships
from workflows.seed import seed

from ..conftest import make_user, start_budget_cycle

# 00:30 on 1 January 2027 in the Netherlands.
NEW_YEAR = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _new_year():
    with time_machine.travel(NEW_YEAR, tick=False):
        yield


def test_a_membership_runs_from_its_first_to_its_last_dutch_day(db: Database) -> None:
    make_user(db, "anna")
    held = add_member(db, "anna", "regiekamer")
    assert held.valid_from == date(2027, 1, 1)  # Dutch today, not the UTC date
    with db.reading() as session:
        assert [m.username for m in members_of(session, "regiekamer")] == ["anna"]
    end_membership(db, "anna", "regiekamer", last_day=date(2027, 6, 30))
    with db.reading() as session:
        assert [m.username for m in members_of(session, "regiekamer", on=date(2027, 6, 30))] \
            == ["anna"]
        assert members_of(session, "regiekamer", on=date(2027, 7, 1)) == []
        assert memberships(session, on=date(2026, 12, 31)) == []


def test_a_membership_is_refused_for_an_unknown_body_or_role_or_twice(db: Database) -> None:
    make_user(db, "anna")
    with pytest.raises(InvalidInput, match="unknown body 'regiekamr'"):
        add_member(db, "anna", "regiekamr")
    with pytest.raises(InvalidInput, match="'Manager ZVH' is not a role in a body"):
        add_member(db, "anna", "regiekamer", "Manager ZVH")
    add_member(db, "anna", "regiekamer")
    with pytest.raises(Conflict, match="anna already holds 'Lid' for 'regiekamer'"):
        add_member(db, "anna", "regiekamer", valid_from=date(2027, 3, 1))
    add_member(db, "anna", "regiekamer", CHAIR)  # another role in the same body is fine
    with pytest.raises(NotFound, match="no user 'nobody'"):
        add_member(db, "nobody", "regiekamer")


def test_a_body_role_is_held_for_a_known_body_only(db: Database) -> None:
    with pytest.raises(InvalidInput, match="'Lid' is held for a body, only for one"):
        make_user(db, "anna", "Lid")
    with pytest.raises(InvalidInput, match="not for 'bestuur'"):
        make_user(db, "anna", "Secretaris", scope="bestuur")
    with pytest.raises(InvalidInput, match="'Lid DVO' is 'Lid' for 'dvo'"):
        make_user(db, "anna", "Lid DVO", scope="stamtafel")


def test_a_name_of_one_body_is_stored_as_its_body_role(db: Database) -> None:
    """'Lid DVO' and Lid held for the DVO are one membership: assigned by either name, it is
    stored once, and the DVO's budget tasks (lane "Lid DVO") reach it (BUD-4)."""
    make_user(db, "dirk", "Lid DVO")
    with db.reading() as session:
        [held] = identity.find_user(session, "dirk").assignments
        assert (held.role, held.scope) == (MEMBER, "dvo")
        assert identity.holds_role(session, "dirk", "Lid DVO")
        assert identity.holds_role(session, "dirk", "Lid", "dvo")
        assert not identity.holds_role(session, "dirk", "Lid", "stamtafel")
    with pytest.raises(Conflict):
        add_member(db, "dirk", "dvo")
    cycle = start_budget_cycle(db, (("mia", "Manager ZVH"), ("bert", "Portefeuillehouder ZVH"),
                                    ("wendy", "Portefeuillehouder ZVH")))
    [draft] = tasks.inbox(db, "mia")
    tasks.complete_task(db, draft.id, "mia", {"basistaken": 1, "plustaken": 0,
                                              "toelichting": "Zo."})
    for holder, body, field in (("bert", "DVO", "akkoord_burgemeester"),
                                ("wendy", "VvG Veilig Thuis", "akkoord_wethouder")):
        [task] = [t for t in tasks.inbox(db, holder) if t.name.endswith(f"(namens {body})")]
        tasks.complete_task(db, task.id, holder, {field: "akkoord"})
    assert [(t.name, t.instance_id) for t in tasks.inbox(db, "dirk")] == [
        ("Besluit DVO vastleggen", cycle.id)]


def test_the_demo_users_follow_the_membership_model(db: Database, cli) -> None:
    """Every body has a chair, a secretary and members; no body role is held without its
    body; lid.stamtafel is a member of the Stamtafel (and of nothing else)."""
    seed(db, "demo-wachtwoord")
    with db.reading() as session:
        held = {(m.body, m.role) for m in memberships(session)}
        assert {(code, role) for code in BODIES for role in BODY_ROLES} <= held
        [lid] = [m for m in memberships(session) if m.username == "lid.stamtafel"]
        assert (lid.body, lid.role, lid.valid_from) == ("stamtafel", MEMBER, date(2027, 1, 1))
        unscoped = [a for a in session.query(RoleAssignment).all()
                    if a.role in BODY_ROLES and a.scope is None]
        assert unscoped == []
    listed = cli("members", "--body", "stamtafel", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert {(r["username"], r["role"]) for r in rows} >= {
        ("voorzitter.stamtafel", CHAIR), ("netwerksecretaris", SECRETARY),
        ("lid.stamtafel", MEMBER)}
    assert ("voorzitter.stamtafel", MEMBER) not in {(r["username"], r["role"]) for r in rows}


def test_govflow_member_add_and_end(db: Database, cli) -> None:
    make_user(db, "anna")
    added = cli("member", "add", "anna", "--body", "stuurgroep", "--role", "Secretaris")
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "anna is Secretaris of stuurgroep from 2027-01-01"
    ended = cli("member", "end", "anna", "--body", "stuurgroep", "--role", "Secretaris",
                "--last-day", "2027-12-31")
    assert ended.output.strip() == "anna is Secretaris of stuurgroep until 2027-12-31"
    wrong = cli("member", "add", "anna", "--body", "stuurgroep", "--from", "2027-02-30")
    assert wrong.exit_code == 2 and "'2027-02-30' is not a date" in wrong.output
    again = cli("member", "end", "anna", "--body", "regiekamer")
    assert again.exit_code == 1
    assert "error: anna holds no 'Lid' for 'regiekamer' that runs past 2027-01-01" in again.output
