"""Late work: every open task past its deadline across the processes a manager oversees, the
most overdue first, with the reminders already sent. Projection columns only, keyset pages,
and the reminders of a page in one query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from .clock import LOCAL_ZONE, now
from .models import HumanTask, Notification, ProcessDefinition, ProcessInstance, User
from .oversight import Oversight, visible_instances

PAGE_SIZE = 25


@dataclass(frozen=True)
class LateTask:
    id: int
    name: str
    role: str | None
    assignee: str | None
    assignee_name: str | None
    due_at: datetime
    days_late: int  # whole Dutch calendar days past the deadline's day
    instance_id: int
    title: str
    process_name: str
    scope: str | None
    reminders: int
    last_reminder_at: datetime | None


@dataclass(frozen=True)
class LateWork:
    tasks: list[LateTask]
    next: str | None
    total: int


def late_work(session: Session, oversight: Oversight, after: str | None = None,
              limit: int = PAGE_SIZE, at: datetime | None = None) -> LateWork:
    at = at or now()
    query = _late(oversight, at).order_by(HumanTask.due_at, HumanTask.id)
    if after:
        query = query.where(_after(after))
    rows = session.execute(query.limit(limit + 1)).all()
    more, rows = len(rows) > limit, rows[:limit]
    reminded = _reminders(session, rows)
    tasks = [LateTask(row.id, row.name, row.role, row.assignee, row.display_name, row.due_at,
                      days_late(row.due_at, at), row.instance_id, row.title, row.process_name,
                      row.scope, *reminded.get(row.id, (0, None))) for row in rows]
    keyset = f"{tasks[-1].due_at.isoformat()}|{tasks[-1].id}" if more and tasks else None
    return LateWork(tasks, keyset, _count(session, oversight, at))


def all_late_work(session: Session, oversight: Oversight, at: datetime | None = None,
                  batch: int = 500) -> Iterator[LateTask]:
    after = None
    while True:
        page = late_work(session, oversight, after, batch, at)
        yield from page.tasks
        if page.next is None:
            return
        after = page.next


def days_late(due_at: datetime, at: datetime) -> int:
    """Days between the deadline's day and today, in Dutch dates (late today counts as 0)."""
    return (at.astimezone(LOCAL_ZONE).date() - due_at.astimezone(LOCAL_ZONE).date()).days


def _late(oversight: Oversight, at: datetime) -> Select:
    return (select(HumanTask.id, HumanTask.name, HumanTask.role, HumanTask.assignee,
                   User.display_name, HumanTask.due_at, HumanTask.instance_id,
                   ProcessInstance.title, ProcessDefinition.name.label("process_name"),
                   ProcessInstance.scope)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .outerjoin(User, User.username == HumanTask.assignee)
            .where(*_late_clauses(oversight, at)))


def _count(session: Session, oversight: Oversight, at: datetime) -> int:
    """How many are late: the late tasks (few, from the index on state and deadline), each
    tested against its instance, rather than a join that reads every instance."""
    visible = (select(visible_instances(oversight))
               .where(ProcessInstance.id == HumanTask.instance_id).scalar_subquery())
    return session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.state == "open", HumanTask.due_at < at, visible)) or 0


def _late_clauses(oversight: Oversight, at: datetime) -> list[ColumnElement[bool]]:
    return [HumanTask.state == "open", HumanTask.due_at < at, visible_instances(oversight)]


def _after(keyset: str) -> ColumnElement[bool]:
    try:
        moment, number = keyset.rsplit("|", 1)
        due, ident = datetime.fromisoformat(moment), int(number)
    except ValueError:
        return HumanTask.id.is_(None)  # a mangled keyset: no rows rather than an error
    return or_(HumanTask.due_at > due, and_(HumanTask.due_at == due, HumanTask.id > ident))


def _reminders(session: Session, rows: list) -> dict[int, tuple[int, datetime | None]]:
    """Per task of the page: how many reminders went out, and the last one's moment."""
    if not rows:
        return {}
    found = session.execute(
        select(Notification.task_id, func.count(), func.max(Notification.created_at))
        .where(Notification.instance_id.in_({row.instance_id for row in rows}),
               Notification.task_id.in_([row.id for row in rows]),
               Notification.kind == "reminder")
        .group_by(Notification.task_id))
    return {task_id: (count, last) for task_id, count, last in found}
