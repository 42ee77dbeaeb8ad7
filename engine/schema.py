"""Bringing a database to the newest schema with the project's Alembic migrations."""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from .db import Database
from .settings import PROJECT_ROOT


def _config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


def upgrade(db: Database) -> None:
    """Apply every migration not yet applied (idempotent)."""
    if db.engine.dialect.name == "sqlite" and db.engine.url.database:
        from pathlib import Path

        Path(db.engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    config = _config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@cache
def newest_revision() -> str | None:
    """The head of the migration scripts; they are part of the installed code, read once."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def is_current(db: Database) -> bool:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == \
            newest_revision()
