"""Shared fixtures: a migrated database (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set),
the Flask app, a CLI runner, and helpers to make users and deploy test diagrams."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Connection, create_engine, make_url, text
from sqlalchemy.pool import NullPool

import workflows
import workflows.models
from engine import deploy, identity, instances, schema, tasks, workflow_store
from engine.db import Database
from engine.models import Base, ProcessInstance
from engine.roles import ensure_roles
from engine.runtime import StepFailed
from web import create_app
from web.database import get_db
from workflows.catalogue import ROLES

DATA = Path(__file__).parent / "data"
BPMN = Path(__file__).parents[1] / "bpmn"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not POSTGRES_URL:
        raise pytest.UsageError("CI must run the PostgreSQL tests: set TEST_POSTGRES_URL")
    # Diagram scripts call the domain helpers, as they do in the application.
    workflows.init_app(None)
    # Tests make many users and sign in rarely: a cheap argon2 keeps them fast.
    identity._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    # Every step of every test checks that the state it stored in parts is the whole state
    # (the moved-clock runs in CI, which look for date bugs, leave it out for time).
    workflow_store.VERIFY = os.environ.get("GOVFLOW_VERIFY_STATE", "1") == "1"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "govflow.sqlite3"
    db = Database(f"sqlite:///{path}")
    schema.upgrade(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = _worker_database(POSTGRES_URL, worker) if worker else POSTGRES_URL
    db = Database(url)
    schema.upgrade(db)
    db.dispose()
    yield url
    if worker:
        _drop_database(POSTGRES_URL, make_url(url).database)


def _worker_database(url: str, worker: str) -> str:
    """A database of its own for each xdist worker (they truncate tables between tests), made
    next to the one TEST_POSTGRES_URL names."""
    name = f"{make_url(url).database}_{worker}"
    _drop_database(url, name)
    with _server(url) as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str, name: str) -> None:
    with _server(url) as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def _server(url: str) -> Iterator[Connection]:
    engine = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _sqlite_db(template: Path, tmp_path: Path) -> Database:
    path = tmp_path / "govflow.sqlite3"
    shutil.copy(template, path)
    return Database(f"sqlite:///{path}")


def _postgres_db(url: str) -> Database:
    db = Database(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database with the role catalogue: SQLite, then PostgreSQL."""
    checks = workflow_store.VERIFY
    if request.param == "sqlite":
        database = _sqlite_db(sqlite_template, tmp_path)
    else:
        database = _postgres_db(request.getfixturevalue("postgres_migrated"))
        # The state checks run with the SQLite half; on PostgreSQL they would repeat them.
        workflow_store.VERIFY = False
    with database.transaction() as session:
        ensure_roles(session, ROLES)
    try:
        yield database
    finally:
        workflow_store.VERIFY = checks
        database.dispose()


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """SQLite only, for unit tests that do not depend on the database."""
    database = _sqlite_db(sqlite_template, tmp_path)
    with database.transaction() as session:
        ensure_roles(session, ROLES)
    yield database
    database.dispose()


def _app_on(db: Database):
    application = create_app({"TESTING": True, "DATABASE_URL": db.url, "SECRET_KEY": "test"})
    yield application
    with application.app_context():
        get_db().dispose()


@pytest.fixture
def app(db: Database):
    yield from _app_on(db)


@pytest.fixture
def sqlite_app(sqlite_db: Database):
    """The app on SQLite only, for tests whose subject does not depend on the database."""
    yield from _app_on(sqlite_db)


@pytest.fixture
def cli(app):
    """Invoke ``govflow`` commands against the test app: ``cli("tasks", "--as", "x")``."""
    from web.cli import main

    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(main, list(args))

    return invoke


def make_user(db: Database, username: str, *roles: str, scope: str | None = None,
              email: str | None = None) -> str:
    identity.add_user(db, username, password="password-" + username, roles=roles, scope=scope,
                      email=email)
    return username


@pytest.fixture
def without_state_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """For the long replays of the whole catalogue: their diagrams are checked step by step by
    the process tests, and the checks would double their time."""
    monkeypatch.setattr(workflow_store, "VERIFY", False)


def data_of(db: Database, instance: ProcessInstance) -> dict:
    """The instance's data as stored now (an instance a command returned is read again)."""
    return instances.instance_data(instances.get_instance(db, instance.id))


def reads_state(statement: str) -> bool:
    """Whether an SQL statement reads an instance's serialized state (any of its parts)."""
    return any(part in statement for part in ("workflow_json", "spec_json",
                                              "instance_task_states"))


def deploy_data(db: Database, *names: str, actor: str = "tester") -> list[deploy.Deployed]:
    """Deploy diagrams from tests/data (their forms come from tests/data/forms)."""
    return deploy.deploy(db, [DATA / n for n in names] + [DATA / "forms"], actor)


# The people of the budget cycle (BUD-1..BUD-4) that most page and inbox tests use.
BUDGET_PEOPLE = (("mia", "Manager ZVH"), ("bert", "Portefeuillehouder ZVH"),
                 ("wendy", "Portefeuillehouder ZVH"), ("dirk", "Lid DVO"),
                 ("nina", "Netwerksecretaris"))


def start_budget_cycle(db: Database,
                       people: tuple[tuple[str, str], ...] = BUDGET_PEOPLE) -> ProcessInstance:
    """The people with their roles, and a budget cycle for 2027 waiting for mia's draft."""
    for username, role in people:
        make_user(db, username, role)
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    return instances.start_instance(db, "budget_cycle", title="Begroting 2027",
                                    data={"jaar": 2027, "document": "begroting"}, actor="mia")


def failed_script_step(db: Database) -> ProcessInstance:
    """mia's instance of ``script_step`` stopped with an error: her answer divides by zero
    (the completion is rolled back, her task stays open)."""
    make_user(db, "mia", "Manager ZVH")
    deploy_data(db, "script_step.bpmn")
    instance = instances.start_instance(db, "script_step", actor="mia")
    [task] = tasks.inbox(db, "mia")
    with pytest.raises(StepFailed):
        tasks.complete_task(db, task.id, "mia", {"bedrag": 10, "aantal": 0})
    return instance
