"""A test run of a draft: the draft deployed in a database of its own, with its own clock.

A run lives in a folder of its own under the folder the application gives (a fresh SQLite
file, and ``run.json``: whose run it is, of which process, and the run's clock). Nothing of a
run is written to the live database: the live one is only read, for the draft, the roles and
the processes the draft calls. So no inbox, dashboard, compliance count, notification or audit
trail of real work can see it. The people in a run are a cast that the caller seeds (the demo
cast), so that the process owner can act as any person of a lane.

A run is gone when it is thrown away, when its owner makes a new run of the same process,
when its owner signs out, and when it was not used for ``MAX_IDLE`` (removed whenever a run is
made). Commands on one run take turns (a file lock), so two tabs cannot step at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from lxml import etree
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import schema
from .clock import fixed_at, now
from .db import Database
from .deploy import deploy_sources, latest_definition
from .diagrams import Source
from .drafts import editable
from .errors import NotFound
from .models import ProcessDefinition, Role, TimerSchedule, User
from .process_owners import require_process_owner
from .roles import RoleDefinition, ensure_roles

# A run not used for this long is removed (a session lapses after as long without a request).
MAX_IDLE = timedelta(hours=8)
_RUN_ID = re.compile(r"[A-Za-z0-9_-]{16}\Z")
_META = "run.json"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

# Fills a new run's database with people (and what else the domain needs to run), given the
# role names of the lanes that will run, so that every lane has somebody.
Cast = Callable[[Database, set[str]], None]


@dataclass
class TestRun:
    """What a run is: kept in its folder as ``run.json``, changed only by the commands."""

    id: str
    owner: str
    key: str
    name: str
    revision: int | None  # the draft's revision that runs; None: the latest version
    clock: datetime
    created_at: datetime
    instance_id: int | None = None
    start_data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        values = asdict(self)
        values["clock"], values["created_at"] = self.clock.isoformat(), self.created_at.isoformat()
        return json.dumps(values)

    @classmethod
    def from_json(cls, text: str) -> TestRun:
        values = json.loads(text)
        values["clock"] = datetime.fromisoformat(values["clock"])
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        return cls(**values)


@dataclass
class OpenRun:
    """A run while a command holds it: its record and its database."""

    run: TestRun
    db: Database

    @contextmanager
    def at_its_clock(self) -> Iterator[None]:
        with fixed_at(self.run.clock):
            yield


def create_run(live: Database, folder: Path, key: str, owner: str, cast: Cast,
               start_data: dict[str, Any] | None = None) -> TestRun:
    """Make a run of the draft of ``key`` (else its latest version) for the process owner.

    Raises NotAllowed for anyone else, NotFound for an unknown process, and DeploymentRejected
    when the draft does not deploy (its problems, as in the editor). Replaces the owner's
    earlier run of the same process.
    """
    with live.reading() as session:
        require_process_owner(session, owner)
        opened = editable(session, key)
        roles = _roles(session)
        callees = _callee_sources(session, opened.xml, key)
        display_name = session.scalar(select(User.display_name).where(User.username == owner))
    remove_idle_runs(folder)
    run = TestRun(id=secrets.token_urlsafe(12), owner=owner, key=key, name=opened.name,
                  revision=opened.revision, clock=now(), created_at=now(),
                  start_data=dict(start_data or {}))
    place = folder / run.id
    place.mkdir(parents=True)
    try:
        shutil.copy(_template(folder), place / "run.sqlite3")
        db = _database(place)
        try:
            with fixed_at(run.clock):
                _fill(db, run, cast, roles, display_name, callees,
                      _draft_sources(key, opened.xml, opened.resources))
        finally:
            db.dispose()
        _write(place, run)
    except BaseException:
        shutil.rmtree(place, ignore_errors=True)
        raise
    for earlier in runs_of(folder, owner):
        if earlier.key == key and earlier.id != run.id:
            _remove(folder, earlier.id)
    return run


def _fill(db: Database, run: TestRun, cast: Cast, roles: list[RoleDefinition],
          display_name: str | None, callees: list[Source], draft: list[Source]) -> None:
    with db.transaction() as session:
        ensure_roles(session, roles)
    cast(db, {lane for source in [*draft, *callees] for lane in _lanes(source)})
    with db.transaction() as session:
        if session.scalar(select(User.id).where(User.username == run.owner)) is None:
            session.add(User(username=run.owner, display_name=display_name or run.owner))
    if callees:
        deploy_sources(db, callees, "govflow")
    deploy_sources(db, draft, run.owner)
    with db.transaction() as session:
        # A run is the one instance the owner starts: timer start events start no others.
        session.execute(update(TimerSchedule).values(active=False))


def _lanes(source: Source) -> set[str]:
    if not source.name.endswith(".bpmn"):
        return set()
    return {" ".join(name.split()) for name in _xml(source.text).xpath(
        "//bpmn:lane/@name", namespaces={"bpmn": BPMN_NS})}


def _xml(text: str) -> Any:
    return etree.fromstring(text.encode(), etree.XMLParser(resolve_entities=False,
                                                           no_network=True))


def _roles(session: Session) -> list[RoleDefinition]:
    """The live role catalogue (with the roles owners added for new lanes)."""
    return [RoleDefinition(r.name, r.description, r.needs_scope, r.base_role, r.fixed_scope)
            for r in session.scalars(select(Role))]


def _callee_sources(session: Session, xml: str, key: str) -> list[Source]:
    """The latest live versions of the processes the draft calls, and of those they call."""
    def called(text: str) -> set[str]:
        return set(_xml(text).xpath("//bpmn:callActivity/@calledElement",
                                    namespaces={"bpmn": BPMN_NS}))

    found: dict[str, ProcessDefinition] = {}
    pending = called(xml) - {key}
    while pending:
        callee = latest_definition(session, pending.pop())
        if callee is None or callee.key in found:
            continue
        found[callee.key] = callee
        pending |= called(callee.bpmn_xml) - set(found) - {key}
    sources: list[Source] = []
    for definition in found.values():
        sources += _draft_sources(definition.key, definition.bpmn_xml, dict(definition.resources),
                                  definition.source_name)
    return sources


def _draft_sources(key: str, xml: str, resources: dict[str, str],
                   source_name: str | None = None) -> list[Source]:
    name = Path(source_name or f"{key}.bpmn").name
    return [Source(name, xml), *(Source(f"forms/{n}" if n.endswith(".json") else n, text)
                                 for n, text in sorted(resources.items()))]


@contextmanager
def open_run(folder: Path, run_id: str, owner: str) -> Iterator[OpenRun]:
    """Hold the owner's run for one command or one page; NotFound for any other person's run
    (nobody learns that it exists). What the command changes in ``run`` is kept."""
    place = _place(folder, run_id)
    with _locked(place):
        run = _read(place)
        if run is None or run.owner != owner:
            raise NotFound("there is no such test run")
        before = run.to_json()
        db = _database(place)
        try:
            yield OpenRun(run, db)
        finally:
            db.dispose()
            if run.to_json() != before:
                _write(place, run)
            else:
                _touch(place)


def discard_run(folder: Path, run_id: str, owner: str) -> None:
    """Throw a run away: its folder and database are deleted."""
    with open_run(folder, run_id, owner):
        pass
    _remove(folder, run_id)


def discard_runs_of(folder: Path, owner: str) -> int:
    """Throw away every run of the owner (they signed out); returns how many."""
    mine = runs_of(folder, owner)
    for run in mine:
        _remove(folder, run.id)
    return len(mine)


def runs_of(folder: Path, owner: str) -> list[TestRun]:
    runs = [_read(place) for place in _places(folder)]
    return [run for run in runs if run is not None and run.owner == owner]


def remove_idle_runs(folder: Path, max_idle: timedelta = MAX_IDLE) -> int:
    """Remove the runs not used for ``max_idle`` (and folders a crash left without a record)."""
    removed = 0
    oldest = time.time() - max_idle.total_seconds()
    for place in _places(folder):
        record = place / _META
        used = record.stat().st_mtime if record.exists() else place.stat().st_mtime
        if used < oldest:
            shutil.rmtree(place, ignore_errors=True)
            removed += 1
    return removed


def _place(folder: Path, run_id: str) -> Path:
    if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
        raise NotFound("there is no such test run")
    return folder / run_id


def _places(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_dir() and _RUN_ID.match(p.name)]


def _remove(folder: Path, run_id: str) -> None:
    place = _place(folder, run_id)
    with _locked(place, create=False):
        shutil.rmtree(place, ignore_errors=True)


@contextmanager
def _locked(place: Path, create: bool = True) -> Iterator[None]:
    """One command at a time on a run (threads and processes alike: flock per open file)."""
    if not place.is_dir():
        if not create:
            yield
            return
        raise NotFound("there is no such test run")
    with open(place / "lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(place: Path) -> TestRun | None:
    try:
        return TestRun.from_json((place / _META).read_text())
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write(place: Path, run: TestRun) -> None:
    handle, temporary = tempfile.mkstemp(dir=place, prefix=".run", suffix=".json")
    with os.fdopen(handle, "w") as out:
        out.write(run.to_json())
    os.replace(temporary, place / _META)
    _touch(place)


def _touch(place: Path) -> None:
    """Mark the run used now (by the clock ``remove_idle_runs`` reads, which tests move)."""
    moment = time.time()
    os.utime(place / _META, (moment, moment))


def _database(place: Path) -> Database:
    return Database(f"sqlite:///{place / 'run.sqlite3'}")


def _template(folder: Path) -> Path:
    """A migrated, empty database to copy (migrating takes longer than copying): one per
    schema version, made once."""
    head = ScriptDirectory.from_config(schema._config()).get_current_head()
    path = folder / f"template-{head}.sqlite3"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".template", suffix=".sqlite3")
        os.close(handle)
        db = Database(f"sqlite:///{temporary}")
        try:
            schema.upgrade(db)
        finally:
            db.dispose()  # the last connection checkpoints the WAL into the file
        os.replace(temporary, path)
    return path
