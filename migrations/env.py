"""Alembic environment: runs on the connection the engine hands over, or on DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import workflows.models  # noqa: F401 (the domain's tables join the same metadata)
from engine.models import Base
from engine.settings import database_url

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with create_engine(database_url()).connect() as connection:
        _run(connection)
        connection.commit()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
