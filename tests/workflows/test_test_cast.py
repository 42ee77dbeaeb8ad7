"""The cast of a test run: the demo people, and a stand-in for a lane role none of them holds."""

from __future__ import annotations

from sqlalchemy import select

from engine.db import Database
from engine.identity import holds_role
from engine.models import Role, User
from workflows.seed import DEMO_USERS
from workflows.test_cast import seed_cast


def test_the_cast_is_the_demo_people_with_a_stand_in_for_a_new_lane(sqlite_db: Database) -> None:
    with sqlite_db.transaction() as session:
        session.add(Role(name="Kwartiermaker", description="Een rol voor een nieuwe baan"))
    seed_cast(sqlite_db, {"Kwartiermaker", "Manager ZVH", "Lid DVO", "Onbekend"})
    with sqlite_db.reading() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        assert set(users) == {d.username for d in DEMO_USERS} | {"proef.kwartiermaker"}
        assert users["proef.kwartiermaker"].password_hash is None
        assert holds_role(session, "proef.kwartiermaker", "Kwartiermaker")
        assert holds_role(session, "voorzitter.dvo", "Voorzitter DVO")
        assert holds_role(session, "lid.stuurgroep", "Lid", "stuurgroep")
