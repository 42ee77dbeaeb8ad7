"""``govflow`` starts quickly: it imports what the command needs and no more.

Each check runs ``govflow`` in a fresh interpreter and looks at the modules it imported, not at
the clock: SpiffWorkflow, the pages and the domain are for the commands that use them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.db import Database

pytestmark = pytest.mark.processes

# Run ``govflow ARGS...`` as the console script does, then write the names of the imported
# modules to the file named first (also when the command exits with an error).
PROBE = """
import json, sys
from web.cli import main
try:
    main(sys.argv[2:], prog_name="govflow")
finally:
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(sys.modules), out)
"""
# What no command that only reads the database needs.
HEAVY = ("SpiffWorkflow", "workflows", "flask_babel", "babel", "flask_login", "flask_wtf",
         "apscheduler", "waitress", "lxml", "jinja2.ext")
PAGES = ("web.auth", "web.inbox", "web.oversight", "web.participants", "web.processes",
         "web.i18n", "web.mail.sender", "web.scheduler")
# What a bare start, or `--help`, needs not even that much of.
DATABASE = ("sqlalchemy", "alembic", "marshmallow", "argon2", "engine.db", "engine.models")


def _govflow(tmp_path: Path, *args: str, url: str | None = None
             ) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GOVFLOW_", "FLASK_")) and k != "DATABASE_URL"}
    env.update(GOVFLOW_INSTANCE_PATH=str(tmp_path), GOVFLOW_SECRET_KEY="test",
               DATABASE_URL=url or f"sqlite:///{tmp_path / 'none.sqlite3'}")
    listing = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", PROBE, str(listing), *args], env=env,
                          cwd=tmp_path, capture_output=True, text=True)
    return done, set(json.loads(listing.read_text()))


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m in packages or m.startswith(tuple(
        f"{p}." for p in packages)))


def test_importing_the_cli_imports_neither_the_engine_nor_the_pages(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c",
                           "import json, sys, web.cli; print(json.dumps(sorted(sys.modules)))"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    modules = set(json.loads(done.stdout))
    assert _loaded(modules, HEAVY + PAGES + DATABASE) == []
    assert {m for m in modules if m.startswith("engine.")} <= {
        "engine.clock", "engine.errors", "engine.nesting", "engine.settings"}


def test_help_lists_the_commands_without_building_the_app(tmp_path: Path) -> None:
    done, modules = _govflow(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert "  users  " in done.stdout and "  member  " in done.stdout
    assert _loaded(modules, HEAVY + PAGES + DATABASE) == []


def test_users_and_outbox_run_on_the_database_only(tmp_path: Path, sqlite_db: Database) -> None:
    users, modules = _govflow(tmp_path, "users", url=sqlite_db.url)
    assert (users.returncode, users.stdout, users.stderr) == (0, "no users\n", "")
    assert _loaded(modules, HEAVY + PAGES) == []
    assert "engine.identity" in modules  # the command did run
    outbox, modules = _govflow(tmp_path, "outbox", url=sqlite_db.url)
    assert outbox.returncode == 0, outbox.stderr
    assert outbox.stdout.endswith("the outbox is empty\n")
    assert _loaded(modules, HEAVY + PAGES) == []


def test_a_command_on_the_database_only_still_says_it_is_not_migrated(tmp_path: Path) -> None:
    done, _ = _govflow(tmp_path, "users")
    assert done.returncode == 1
    assert done.stderr == ("error: the database refused (no such table: users); is it running "
                           "and migrated (govflow migrate)?\n")


def test_a_command_that_checks_a_scope_runs_in_the_whole_app(tmp_path: Path,
                                                             sqlite_db: Database) -> None:
    # The domain registers the bodies as the scopes of a body role in create_app only.
    done, modules = _govflow(tmp_path, "user", "add", "sam", "--role", "Lid", "--scope", "nergens",
                             "--password", "geheim123456", url=sqlite_db.url)
    assert done.returncode == 1
    assert "give the scope as one of: advies_implementatieoverleg, dvo" in done.stderr
    assert {"workflows", "web.inbox"} <= modules


def test_choices_and_defaults_of_the_domain_show_in_the_help(cli) -> None:
    shown = cli("member", "add", "--help")
    assert shown.exit_code == 0
    assert "--role [Voorzitter|Secretaris|Lid]" in shown.output
    assert "[default: Lid]" in shown.output and "stamtafel|dvo|" in shown.output
    refused = cli("member", "add", "sam", "--body", "stamtafel", "--role", "Baas")
    assert refused.exit_code == 2
    assert "'Baas' is not one of 'Voorzitter', 'Secretaris', 'Lid'" in refused.output
    assert "[default: nl]" in cli("diff", "--help").output
