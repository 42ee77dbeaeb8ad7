"""What a participant sees of the work: their tasks, and one task with what it is about.

Queries only. Who may see a task: the holders of its role for the instance's body (MTG-8: only
members see their body's work), and of a task the process meant for one person (a member's
vote) only that person. Who completed a task may always see that it is done, nothing more.
Earlier answers show all steps of the case but one: a personal task's answer is hidden from
the others doing that same step (DEC-1: no voter sees another's ballot while voting), while
other personal answers, such as the written input of absent members (DEC-2), are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .clock import now
from .db import Database
from .errors import NotFound
from .forms import form_schema, form_ui_schema, form_values
from .identity import holds_role
from .inbox_query import Cursor, inbox_page
from .models import AuditEvent, HumanTask, Notification, ProcessDefinition, User
from .notifications import notifications_for
from .outreach_models import StoredFile
from .papers import files_of

# Task ids are 32-bit integers in every database: a larger one is no task.
MAX_TASK_ID = 2**31 - 1


@dataclass
class Worklist:
    """One page of a user's tasks after filtering, and the processes to filter by."""

    tasks: list[HumanTask]
    processes: list[tuple[str, str]]  # (key, name) of every deployed process
    next: Cursor | None = None  # where the next page starts
    count: int = 0  # all the tasks that match, counted up to COUNT_LIMIT
    more_than: bool = False  # there are more than COUNT_LIMIT


@dataclass
class Answer:
    """One earlier task of the instance with what was filled in, labelled by its form."""

    task_name: str
    completed_by: str
    completed_at: datetime | None
    fields: list[tuple[str, Any]]  # (label, value) in the order of the form


@dataclass
class TaskView:
    """A task with its form and the context that a participant needs to do it."""

    task: HumanTask
    schema: dict[str, Any] | None
    ui_schema: dict[str, Any]
    answers: list[Answer] = field(default_factory=list)
    # What the form opens with: the task data's values of its fields when it was created.
    values: dict[str, Any] = field(default_factory=dict)
    # The files of the case (without content), by id: what file fields and answers name.
    files: dict[str, StoredFile] = field(default_factory=dict)
    # False: only what a submission needs (task, form, values), not what a page shows.
    whole: bool = True


def is_late(task: HumanTask, at: datetime | None = None) -> bool:
    return task.due_at is not None and task.state == "open" and task.due_at < (at or now())


def my_tasks(db: Database, username: str, *, process: str | None = None,
             late: bool = False, after: Cursor | None = None) -> Worklist:
    """A page of the inbox of ``username`` (claimed by them, or open for a role they hold),
    newest first, optionally only one process's or only the late ones."""
    with db.reading() as session:
        page = inbox_page(session, username, process=process, late=late, after=after)
        return Worklist(page.tasks, deployed_processes(session), page.next, page.count,
                        page.more_than)


def deployed_processes(session: Session) -> list[tuple[str, str]]:
    """(key, name of its latest version) of every deployed process, by name."""
    latest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.name).join(
        latest, (latest.c.key == ProcessDefinition.key)
        & (latest.c.v == ProcessDefinition.version))).all()
    return sorted(((key, name) for key, name in rows), key=lambda p: p[1].lower())


# Reminders and escalations older than this are no longer news on the inbox page.
NOTIFICATIONS_SHOWN_FOR = timedelta(days=30)


def my_notifications(db: Database, username: str, limit: int = 10) -> list[Notification]:
    """The latest reminders and escalations for the user, newest first (the last 30 days)."""
    with db.reading() as session:
        return notifications_for(session, username, limit, since=now() - NOTIFICATIONS_SHOWN_FOR)


def may_see_task(session: Session, task: HumanTask, username: str) -> bool:
    """The task and its case: for the holders of its role for the body, and of a personal
    task only for the person it names (who must hold the role as well)."""
    if task.personal and username != task.assignee:
        return False
    return holds_role(session, username, task.role, task.instance.scope)


def task_to_submit(db: Database, task_id: int, username: str) -> TaskView:
    """What a submission of the task needs: the task and its form, if the user may see it
    (NotFound as ``task_for``); without the case's answers and files, which only a page shows."""
    if not 1 <= task_id <= MAX_TASK_ID:
        raise NotFound(f"no task {task_id}")
    with db.reading() as session:
        task = session.get(HumanTask, task_id)
        if task is None or not may_see_task(session, task, username):
            raise NotFound(f"no task {task_id}")
        return TaskView(task, form_schema(task), form_ui_schema(task), [], form_values(task),
                        whole=False)


def task_for(db: Database, task_id: int, username: str) -> TaskView:
    """The task with its form and earlier answers; NotFound as well when the user may not see it,
    so that nobody learns what exists in another body. Who completed the task and may no longer
    see it (their role ended) gets the task without form or answers: only that it is done."""
    if not 1 <= task_id <= MAX_TASK_ID:
        raise NotFound(f"no task {task_id}")
    with db.reading() as session:
        task = session.get(HumanTask, task_id)
        if task is not None and may_see_task(session, task, username):
            return TaskView(task, form_schema(task), form_ui_schema(task),
                            earlier_answers(session, task, username), form_values(task),
                            {f.public_id: f for f in files_of(session, task.instance_id)})
        if task is not None and task.state != "open" and task.completed_by == username:
            return TaskView(task, None, {})
        raise NotFound(f"no task {task_id}")


def earlier_answers(session: Session, task: HumanTask, username: str) -> list[Answer]:
    """What was filled in at the earlier steps of the task's instance, the latest time each step
    was done (a revised draft replaces the first one); of the step of ``task`` itself, the
    personal tasks of others are left out (another member's ballot). Only those latest
    completions are read, so a long history costs no more than a short one."""
    # A step done by several people in person (each absent member's input) is one per person.
    step = (HumanTask.element_id,
            case((HumanTask.personal.is_(True), HumanTask.completed_by), else_=None))
    latest = (
        select(func.max(AuditEvent.id))
        .join(HumanTask, AuditEvent.task_id == HumanTask.id)
        .where(AuditEvent.instance_id == task.instance_id, AuditEvent.kind == "task_completed",
               HumanTask.id != task.id,
               ~(HumanTask.personal.is_(True) & (HumanTask.element_id == task.element_id)
                 & (HumanTask.completed_by != username)))
        .group_by(*step))
    rows = session.execute(
        select(AuditEvent, HumanTask).join(HumanTask, AuditEvent.task_id == HumanTask.id)
        .where(AuditEvent.id.in_(latest)).order_by(AuditEvent.id)).all()
    names = display_names(session, {done.completed_by for _e, done in rows})
    return [Answer(done.name, names.get(done.completed_by or "", done.completed_by or ""),
                   done.completed_at, labelled(done, event.details.get("data") or {}))
            for event, done in rows]


def labelled(task: HumanTask | None, data: dict[str, Any]) -> list[tuple[str, Any]]:
    """The data entered, labelled and ordered by the task's form (what it lacks comes last)."""
    properties = ((form_schema(task) if task is not None else None) or {}).get("properties", {})
    order = [name for name in properties if name in data]
    order += [name for name in data if name not in properties]
    return [(properties.get(name, {}).get("title") or name, data[name]) for name in order]


def display_names(session: Session, usernames: set[str | None]) -> dict[str, str]:
    """Each known username's display name (one query)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    return dict(session.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted))).all())
