"""Database access: one engine per database URL and the one helper that opens transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .errors import Conflict


class Base(DeclarativeBase):
    pass


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the scheduler and the web process share the file; foreign keys are off by default.
    # The driver's own transaction handling is off: _begin_sqlite says how each one begins.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL cannot corrupt the file; a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _begin_sqlite(connection: Any) -> None:
    """A command's transaction takes SQLite's write lock at once (BEGIN IMMEDIATE): commands
    take turns, and each reads what the one before it committed. A deferred transaction that
    read first and wrote later would fail outright once another had committed meanwhile."""
    immediate = connection.get_execution_options().get("govflow_writes", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """A database URL with its connection pool and session factory."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, **engine_options)
        writing = self.engine
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _tune_sqlite)
            event.listen(self.engine, "begin", _begin_sqlite)
            writing = self.engine.execution_options(govflow_writes=True)
        self._sessions = sessionmaker(writing, expire_on_commit=False)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Run a block in one transaction: commit at the end, roll back on any error.

        A concurrent change of the same instance (optimistic locking) becomes a ``Conflict``.
        """
        try:
            with self._sessions.begin() as session:
                yield session
        except StaleDataError as err:
            raise Conflict(
                "Someone else changed this process instance at the same time; "
                "reload it and try again."
            ) from err
        except OperationalError as err:
            if "database is locked" not in str(err):
                raise
            # SQLite waited busy_timeout for another writer: a clear refusal, not a crash.
            raise Conflict("The database is busy with other changes; try again in a moment."
                           ) from err

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only; nothing it does is committed."""
        with self._readers() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
