"""The sign-in limits (web/sign_in_limit.py): nobody locks another user out, one address
hammering is refused, and every web process counts in the same database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine.clock import now
from engine.db import Database
from engine.models import AttemptCount
from web import create_app, sign_in_limit
from web.database import get_db

from ..conftest import make_user
from .test_inbox import sign_in


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def lid(db: Database) -> str:
    return make_user(db, "lid", "Manager ZVH")


def test_twenty_guesses_from_four_addresses_do_not_lock_the_user_out(
        app: Flask, lid: str, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(sign_in_limit, "pause", waits.append)
    with time_machine.travel(now(), tick=False):
        for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"):
            attacker = client_at(app, address)
            for _ in range(5):
                assert sign_in(attacker, lid, "guess").status_code == 200
            assert sign_in(attacker, lid, "guess").status_code == 429
        # Another guess from a fresh address is refused: the user's failures slow guessing.
        assert sign_in(client_at(app, "198.51.100.5"), lid, "guess").status_code == 429
        # The real user, from their own address, signs in with the right password.
        assert sign_in(client_at(app, "203.0.113.7"), lid).location == "/tasks"
    assert waits == [1.0, 1.0]  # both attempts after the twentieth failure waited


def test_one_address_hammering_many_names_is_refused(app: Flask, db: Database,
                                                     lid: str) -> None:
    """LOGIN_ADDRESS_RATE_LIMIT: 30 a minute from one address, whatever the username."""
    for i in range(30):  # known names (an unknown one costs a full-strength hash: slow)
        make_user(db, f"name{i}")
    hammer = client_at(app, "198.51.100.9")
    with time_machine.travel(now(), tick=False) as clock:
        for i in range(30):
            assert sign_in(hammer, f"name{i}", "guess").status_code == 200
        refused = sign_in(hammer, lid)
        assert refused.status_code == 429
        assert '<html lang="nl">' in refused.text
        assert "Te veel mislukte pogingen om in te loggen" in refused.text
        assert sign_in(client_at(app, "203.0.113.7"), lid).location == "/tasks"
        clock.shift(timedelta(seconds=61))
        assert sign_in(hammer, lid).location == "/tasks"


def test_successful_sign_ins_do_not_use_up_an_address(app: Flask, db: Database) -> None:
    """Many colleagues behind one office address sign in at nine o'clock."""
    for i in range(40):
        make_user(db, f"collega{i}")
    office = client_at(app, "192.0.2.200")
    with time_machine.travel(now(), tick=False):
        for i in range(40):
            assert sign_in(office, f"collega{i}").location == "/tasks"


def test_two_web_processes_count_together(app: Flask, db: Database, lid: str) -> None:
    """The counts live in the database: a second app on it (another web process, started
    after the attempts) refuses what the first has counted."""
    with time_machine.travel(now(), tick=False):
        for _ in range(5):
            assert sign_in(client_at(app, "198.51.100.1"), lid, "guess").status_code == 200
        other = create_app({"TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "test"})
        try:
            assert sign_in(client_at(other, "198.51.100.1"), lid).status_code == 429
            assert sign_in(client_at(app, "198.51.100.1"), lid).status_code == 429
        finally:
            with other.app_context():
                get_db().dispose()


def test_old_windows_are_pruned(app: Flask, db: Database, lid: str) -> None:
    with time_machine.travel(now(), tick=False) as clock:
        for i in range(10):
            sign_in(client_at(app, f"198.51.100.{i + 1}"), lid, "guess")
        clock.shift(timedelta(minutes=3))
        sign_in(client_at(app, "198.51.100.99"), lid, "guess")
    with db.reading() as session:
        rows = session.scalar(select(func.count()).select_from(AttemptCount))
    assert rows == 3  # this attempt's address, address and user, and user


def test_a_huge_username_is_only_a_wrong_one(client: FlaskClient, lid: str) -> None:
    response = sign_in(client, "x" * 100_000, "guess")
    assert response.status_code == 200
    assert "De gebruikersnaam of het wachtwoord klopt niet." in response.text


def test_a_mistyped_limit_stops_the_app_from_starting(db: Database) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        create_app({"TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "test",
                    "LOGIN_RATE_LIMIT": "5 a minute"})
