"""The manager's overview: the cycles (instances) of one year per process, with their stage,
status and open tasks, the late ones marked, and counts for the filter chosen.

It reads the projection columns only (never a serialized workflow), pages by keyset, and
takes the open tasks of a page in one query. What a user sees is ``engine.oversight``'s rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from .clock import LOCAL_ZONE, now
from .models import HumanTask, ProcessDefinition, ProcessInstance, User
from .oversight import Oversight, visible_instances

PAGE_SIZE = 25
STATUSES = ("running", "waiting", "failed", "completed", "cancelled")


@dataclass(frozen=True)
class OverviewFilter:
    """What the manager asks for; ``year`` is a Dutch calendar year of the start."""

    year: int
    process: str | None = None
    body: str | None = None
    status: str | None = None
    late: bool = False


@dataclass(frozen=True)
class OpenTask:
    id: int
    name: str
    role: str | None
    assignee: str | None
    assignee_name: str | None
    due_at: datetime | None
    late: bool


@dataclass(frozen=True)
class Cycle:
    id: int
    process_key: str
    process_name: str
    version: int
    title: str
    stage: str | None
    status: str
    scope: str | None
    started_at: datetime
    started_by: str | None
    open_tasks: list[OpenTask] = field(default_factory=list)

    @property
    def late(self) -> bool:
        return any(task.late for task in self.open_tasks)

    @property
    def due_at(self) -> datetime | None:
        """The first deadline among the open tasks."""
        return min((t.due_at for t in self.open_tasks if t.due_at), default=None)


@dataclass(frozen=True)
class Overview:
    cycles: list[Cycle]
    next: str | None  # the keyset of the next page
    counts: dict[str, int]  # per status, for the other filters
    late: int  # of those, how many have a late task


def overview(session: Session, oversight: Oversight, wanted: OverviewFilter,
             after: str | None = None, limit: int = PAGE_SIZE,
             at: datetime | None = None) -> Overview:
    """One page of cycles, per process (by key) and newest first within a process."""
    at = at or now()
    query = _cycles(oversight, wanted, at).order_by(
        ProcessInstance.process_key, ProcessInstance.started_at.desc(),
        ProcessInstance.id.desc())
    if after:
        query = query.where(_after(after))
    rows = session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    cycles = _with_open_tasks(session, rows[:limit], at)
    last = cycles[-1] if more else None
    keyset = f"{last.process_key}|{last.started_at.isoformat()}|{last.id}" if last else None
    return Overview(cycles, keyset, *_counts(session, oversight, wanted, at))


def all_cycles(session: Session, oversight: Oversight, wanted: OverviewFilter,
               at: datetime | None = None, batch: int = 500) -> Iterator[Cycle]:
    """Every cycle of the filter, page by page (for a CSV of any length)."""
    after = None
    while True:
        page = overview(session, oversight, wanted, after, batch, at)
        yield from page.cycles
        if page.next is None:
            return
        after = page.next


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return (datetime(year, 1, 1, tzinfo=LOCAL_ZONE), datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE))


def late_clause(at: datetime) -> ColumnElement[bool]:
    """The instance has an open task past its deadline (indexed by instance and state)."""
    return exists().where(HumanTask.instance_id == ProcessInstance.id,
                          HumanTask.state == "open", HumanTask.due_at < at)


def _filters(oversight: Oversight, wanted: OverviewFilter) -> list[ColumnElement[bool]]:
    start, end = year_bounds(wanted.year)
    clauses = [visible_instances(oversight), ProcessInstance.started_at >= start,
               ProcessInstance.started_at < end]
    if wanted.process:
        clauses.append(ProcessInstance.process_key == wanted.process)
    if wanted.body:
        clauses.append(ProcessInstance.scope == wanted.body)
    return clauses


def _cycles(oversight: Oversight, wanted: OverviewFilter, at: datetime) -> Select:
    query = (select(ProcessInstance.id, ProcessInstance.process_key, ProcessDefinition.name,
                    ProcessDefinition.version, ProcessInstance.title, ProcessInstance.stage,
                    ProcessInstance.status, ProcessInstance.scope, ProcessInstance.started_at,
                    ProcessInstance.started_by)
             .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
             .where(*_filters(oversight, wanted)))
    if wanted.status:
        query = query.where(ProcessInstance.status == wanted.status)
    if wanted.late:
        query = query.where(late_clause(at))
    return query


def _after(keyset: str) -> ColumnElement[bool]:
    """Past the keyset ``key|started_at|id`` in the order (key asc, started_at desc, id desc)."""
    try:
        key, started, number = keyset.rsplit("|", 2)
        moment, ident = datetime.fromisoformat(started), int(number)
    except ValueError:
        return ProcessInstance.id.is_(None)  # a mangled keyset: no rows rather than an error
    return or_(ProcessInstance.process_key > key,
               and_(ProcessInstance.process_key == key,
                    tuple_(ProcessInstance.started_at, ProcessInstance.id) < (moment, ident)))


def _with_open_tasks(session: Session, rows: list, at: datetime) -> list[Cycle]:
    ids = [row.id for row in rows]
    tasks: dict[int, list[OpenTask]] = {}
    if ids:
        found = session.execute(
            select(HumanTask.instance_id, HumanTask.id, HumanTask.name, HumanTask.role,
                   HumanTask.assignee, User.display_name, HumanTask.due_at)
            .outerjoin(User, User.username == HumanTask.assignee)
            .where(HumanTask.instance_id.in_(ids), HumanTask.state == "open")
            .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id))
        for task in found:
            late = task.due_at is not None and task.due_at < at
            tasks.setdefault(task.instance_id, []).append(OpenTask(
                task.id, task.name, task.role, task.assignee, task.display_name, task.due_at,
                late))
    return [Cycle(row.id, row.process_key, row.name, row.version, row.title, row.stage,
                  row.status, row.scope, row.started_at, row.started_by, tasks.get(row.id, []))
            for row in rows]


def _counts(session: Session, oversight: Oversight, wanted: OverviewFilter,
            at: datetime) -> tuple[dict[str, int], int]:
    """Per status and late, for the process, body and year chosen (not the status or late)."""
    filters = _filters(oversight, wanted)
    counts = dict(session.execute(
        select(ProcessInstance.status, func.count()).where(*filters)
        .group_by(ProcessInstance.status)).all())
    late = session.scalar(select(func.count()).select_from(ProcessInstance)
                          .where(*filters, late_clause(at))) or 0
    return {status: counts.get(status, 0) for status in STATUSES}, late


def process_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name of the latest version) of every deployed process, for the filter."""
    latest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    return [(key, name) for key, name in session.execute(
        select(ProcessDefinition.key, ProcessDefinition.name)
        .join(latest, and_(latest.c.key == ProcessDefinition.key,
                           latest.c.v == ProcessDefinition.version))
        .order_by(ProcessDefinition.name))]
