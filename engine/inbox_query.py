"""The inbox as one SQL query: the open tasks a user may do today, decided in the database on
indexed projection columns, newest first, a page at a time.

Who may do a task (as ``engine.worklist`` says): a holder of its role for the instance's body
(a role held unscoped covers every body; a name of one body, "Lid DVO", needs its base role
there), within the dates of the assignment; unclaimed, or claimed by or meant for the user;
not a task the four-eyes rule keeps from them (they completed a task it must be separate from).
The user's assignments are few: they become the query's conditions, so no row is filtered in
Python and the cost of a page does not grow with the number of tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, literal, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager

from .clock import now
from .identity import held_roles
from .models import HumanTask, ProcessInstance
from .roles import covers, role_catalogue

PAGE_SIZE = 50
# Counting stops here: the page says "more than 1,000" rather than count a million rows.
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the task created at ``created_at`` with id ``task_id``."""

    created_at: datetime
    task_id: int

    def token(self) -> str:
        return f"{self.created_at.isoformat()}_{self.task_id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """None for a missing or malformed token (the first page)."""
        if not token or "_" not in token:
            return None
        moment, _, number = token.rpartition("_")
        try:
            created = datetime.fromisoformat(moment)
            task_id = int(number)
        except ValueError:
            return None
        if created.tzinfo is None or not 0 < task_id < 2**31:
            return None
        return cls(created, task_id)


@dataclass(frozen=True)
class InboxPage:
    tasks: list[HumanTask]
    next: Cursor | None  # the next page, if there is one
    count: int  # matching tasks, at most COUNT_LIMIT + 1
    more_than: bool  # the count stopped at COUNT_LIMIT


def may_do(session: Session, username: str) -> ColumnElement[bool]:
    """A condition on HumanTask joined with its ProcessInstance: the open tasks ``username``
    may do today."""
    held = held_roles(session, username)
    catalogue = role_catalogue(session)
    unscoped = {a.role for a in held if a.scope is None}
    scoped = {(a.role, a.scope) for a in held if a.scope is not None and a.role not in unscoped}
    fixed = {name for name, (base, scope) in catalogue.fixed.items() if covers(held, base, scope)}
    roles: list[ColumnElement[bool]] = []
    if unscoped | fixed:
        roles.append(HumanTask.role.in_(sorted(unscoped | fixed)))
    roles += [and_(HumanTask.role == role, ProcessInstance.scope == scope)
              for role, scope in sorted(scoped)]
    if not roles:
        return false()
    earlier = aliased(HumanTask)
    # The four-eyes rule: ``separate_from`` lists element ids, comma-separated.
    kept_away = exists().where(
        earlier.instance_id == HumanTask.instance_id, earlier.state == "completed",
        earlier.completed_by == username,
        (literal(",") + HumanTask.separate_from + literal(",")).contains(
            literal(",") + earlier.element_id + literal(",")))
    return and_(HumanTask.state == "open", ProcessInstance.status != "failed",
                or_(HumanTask.assignee == username, HumanTask.assignee.is_(None)),
                or_(*roles),
                or_(HumanTask.separate_from.is_(None), ~kept_away))


def inbox_page(session: Session, username: str, *, process: str | None = None,
               late: bool = False, after: Cursor | None = None,
               size: int = PAGE_SIZE) -> InboxPage:
    """One page of the user's inbox, newest first, with the count of all it holds."""
    condition = may_do(session, username)
    if process:
        condition = and_(condition, ProcessInstance.process_key == process)
    if late:
        condition = and_(condition, HumanTask.due_at.is_not(None), HumanTask.due_at < now())
    query = _newest_first(condition)
    if after is not None:
        query = query.where(or_(HumanTask.created_at < after.created_at,
                                and_(HumanTask.created_at == after.created_at,
                                     HumanTask.id < after.task_id)))
    rows = list(session.scalars(query.limit(size + 1)).unique())
    following = Cursor(rows[size - 1].created_at, rows[size - 1].id) if len(rows) > size \
        else None
    counted = session.scalar(select(func.count()).select_from(
        select(HumanTask.id).join(HumanTask.instance).where(condition)
        .limit(COUNT_LIMIT + 1).subquery()))
    return InboxPage(rows[:size], following, counted or 0, (counted or 0) > COUNT_LIMIT)


def all_open_for(session: Session, username: str) -> list[HumanTask]:
    """Every task of the user's inbox, newest first (the CLI, the calendar feed)."""
    return list(session.scalars(_newest_first(may_do(session, username))).unique())


def _newest_first(condition: ColumnElement[bool]) -> Select[tuple[HumanTask]]:
    """The tasks that meet ``condition``, each with its instance and process, newest first."""
    return (select(HumanTask).join(HumanTask.instance).where(condition)
            .options(contains_eager(HumanTask.instance).joinedload(ProcessInstance.definition))
            .order_by(HumanTask.created_at.desc(), HumanTask.id.desc()))
