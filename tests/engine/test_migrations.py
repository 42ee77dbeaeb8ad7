"""Migration 0006 keeps every membership an existing database holds, stored the one way."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from engine import schema
from engine.db import Database


def test_names_of_one_body_become_the_body_role_held_for_it(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = schema._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0005")
        connection.execute(text(
            "INSERT INTO roles (name) VALUES ('Lid DVO'), ('Voorzitter Stamtafel'), "
            "('Manager ZVH')"))
        connection.execute(text(
            "INSERT INTO users (id, username, display_name, is_active, created_at, "
            "session_version) VALUES (1, 'dirk', 'Dirk', 1, '2026-01-01', 0)"))
        connection.execute(text(
            "INSERT INTO role_assignments (user_id, role, scope, valid_from) VALUES "
            "(1, 'Lid DVO', NULL, '2026-01-01'), (1, 'Voorzitter Stamtafel', NULL, "
            "'2026-01-01'), (1, 'Manager ZVH', NULL, '2026-01-01')"))
    schema.upgrade(db)
    with db.engine.connect() as connection:
        held = set(connection.execute(text("SELECT role, scope FROM role_assignments")))
        roles = {row[0]: row[1:] for row in connection.execute(
            text("SELECT name, needs_scope, base_role, fixed_scope FROM roles"))}
    db.dispose()
    assert held == {("Lid", "dvo"), ("Voorzitter", "stamtafel"), ("Manager ZVH", None)}
    assert roles["Lid DVO"] == (0, "Lid", "dvo")
    assert roles["Lid"] == (1, None, None) and roles["Voorzitter"][0] == 1
    assert roles["Manager ZVH"] == (0, None, None)
