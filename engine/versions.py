"""What the catalogue and the version lists show: each process, its versions, who deployed
them and why, how many instances still run on each, and its draft. Read from indexed columns
in a few queries a page, never from a diagram's text; only one version's sources, or two
compared, read the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Row, Select, func, select, union
from sqlalchemy.orm import Session, undefer

from .changes import Diff
from .diagram_diff import diff_versions
from .errors import NotFound
from .models import Draft, ProcessDefinition, ProcessInstance, User

PAGE_SIZE = 50
T = TypeVar("T")
# An instance runs on its version until it ends (a failed one waits for a retry there).
LIVE_STATUSES = ("running", "waiting", "failed")


@dataclass(frozen=True)
class VersionRow:
    key: str
    version: int
    name: str
    deployed_at: datetime
    deployed_by: str | None
    deployed_by_name: str | None
    change_note: str | None
    running: int


@dataclass(frozen=True)
class DraftRow:
    key: str
    name: str
    revision: int
    base_version: int | None
    saved_at: datetime
    saved_by: str
    saved_by_name: str


@dataclass(frozen=True)
class ProcessRow:
    key: str
    name: str
    latest: VersionRow | None  # None: a new process with a draft only
    running_by_version: dict[int, int] = field(default_factory=dict)
    draft: DraftRow | None = None

    @property
    def running(self) -> int:
        return sum(self.running_by_version.values())


@dataclass(frozen=True)
class Comparison:
    """Two versions of one process and what changed from the first to the second."""

    key: str
    name: str
    old: int
    new: int
    old_xml: str
    new_xml: str
    diff: Diff


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next: str | int | None  # the keyset of the next page, None on the last


def catalogue(session: Session, after: str | None = None,
              limit: int = PAGE_SIZE) -> Page[ProcessRow]:
    """Every process (deployed, or a new one with a draft), by key, a page at a time."""
    keys_query = union(select(ProcessDefinition.key), select(Draft.key)).subquery()
    query = select(keys_query.c.key).order_by(keys_query.c.key).limit(limit + 1)
    if after:
        query = query.where(keys_query.c.key > after)
    keys = list(session.scalars(query))
    more, keys = len(keys) > limit, keys[:limit]
    latest = {row.key: row for row in _latest_versions(session, keys)}
    running = _running(session, ProcessDefinition.key.in_(keys))
    drafts = {row.key: row for row in drafts_of(session, keys)}
    rows = []
    for key in keys:
        version = latest.get(key)
        draft = drafts.get(key)
        name = version.name if version else draft.name if draft else key
        rows.append(ProcessRow(key, name, version, running.get(key, {}), draft))
    return Page(rows, keys[-1] if more else None)


def versions_of(session: Session, key: str, before: int | None = None,
                limit: int = PAGE_SIZE) -> Page[VersionRow]:
    """The versions of one process, newest first, a page at a time."""
    query = _version_query().where(ProcessDefinition.key == key)
    if before is not None:
        query = query.where(ProcessDefinition.version < before)
    found = session.execute(query.order_by(ProcessDefinition.version.desc())
                            .limit(limit + 1)).all()
    more, found = len(found) > limit, found[:limit]
    running = _running(session, ProcessDefinition.key == key).get(key, {})
    rows = [_version_row(r, running.get(r.version, 0)) for r in found]
    return Page(rows, rows[-1].version if more else None)


def drafts_of(session: Session, keys: list[str]) -> list[DraftRow]:
    found = session.execute(
        select(Draft.key, Draft.name, Draft.revision, Draft.base_version, Draft.saved_at,
               Draft.saved_by, User.display_name)
        .outerjoin(User, User.username == Draft.saved_by).where(Draft.key.in_(keys))).all()
    return [DraftRow(r.key, r.name, r.revision, r.base_version, r.saved_at, r.saved_by,
                     r.display_name or r.saved_by) for r in found]


def version_source(session: Session, key: str, version: int) -> ProcessDefinition:
    """One version with its diagram (to show or download)."""
    found = session.scalars(select(ProcessDefinition).options(
        undefer(ProcessDefinition.bpmn_xml), undefer(ProcessDefinition.resources)).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version)).first()
    if found is None:
        raise NotFound(f"process {key!r} has no version {version}")
    return found


def version_numbers(session: Session, key: str) -> list[int]:
    """Every version number of one process, newest first (to choose two to compare)."""
    return list(session.scalars(select(ProcessDefinition.version)
                                .where(ProcessDefinition.key == key)
                                .order_by(ProcessDefinition.version.desc())))


def compare_versions(session: Session, key: str, old: int, new: int) -> Comparison:
    """What changed from version ``old`` to version ``new`` (either may be the later one)."""
    before, after = version_source(session, key, old), version_source(session, key, new)
    diff = diff_versions(before.bpmn_xml, dict(before.resources or {}), after.bpmn_xml,
                         dict(after.resources or {}))
    return Comparison(key, after.name, old, new, before.bpmn_xml, after.bpmn_xml, diff)


def _version_query() -> Select[Any]:
    return (select(ProcessDefinition.key, ProcessDefinition.version, ProcessDefinition.name,
                   ProcessDefinition.deployed_at, ProcessDefinition.deployed_by,
                   ProcessDefinition.change_note, User.display_name)
            .outerjoin(User, User.username == ProcessDefinition.deployed_by))


def _version_row(row: Row[Any], running: int) -> VersionRow:
    return VersionRow(row.key, row.version, row.name, row.deployed_at, row.deployed_by,
                      row.display_name, row.change_note, running)


def _latest_versions(session: Session, keys: list[str]) -> list[VersionRow]:
    newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .where(ProcessDefinition.key.in_(keys)).group_by(ProcessDefinition.key).subquery())
    found = session.execute(_version_query().join(
        newest, (ProcessDefinition.key == newest.c.key)
        & (ProcessDefinition.version == newest.c.v))).all()
    return [_version_row(r, 0) for r in found]


def _running(session: Session, which: ColumnElement[bool]) -> dict[str, dict[int, int]]:
    """Live instances per process and version, in one grouped query."""
    found = session.execute(
        select(ProcessDefinition.key, ProcessDefinition.version, func.count())
        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(which, ProcessInstance.status.in_(LIVE_STATUSES))
        .group_by(ProcessDefinition.key, ProcessDefinition.version)).all()
    result: dict[str, dict[int, int]] = {}
    for key, version, count in found:
        result.setdefault(key, {})[version] = count
    return result
