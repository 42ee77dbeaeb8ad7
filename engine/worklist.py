"""What a participant sees of the work: their tasks, and one task with what it is about.

Queries only. Who may see a task: whoever it is assigned to or completed it, and the holders of
its role for the instance's body, unless the process meant it for one person (a member's vote:
MTG-8, only members see their body's work, and a ballot is its voter's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import now
from .db import Database
from .errors import NotFound
from .forms import form_schema, form_ui_schema
from .identity import holds_role
from .models import AuditEvent, HumanTask, User
from .tasks import inbox


@dataclass
class Worklist:
    """The tasks of one user after filtering, and the processes to filter by."""

    tasks: list[HumanTask]
    processes: list[tuple[str, str]]  # (key, name), of all the user's tasks


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


def is_late(task: HumanTask, at: datetime | None = None) -> bool:
    return task.due_at is not None and task.state == "open" and task.due_at < (at or now())


def my_tasks(db: Database, username: str, *, process: str | None = None,
             late: bool = False) -> Worklist:
    """The inbox of ``username`` (claimed by them, or open for a role they hold), newest first,
    optionally only one process's or only the late ones."""
    everything = inbox(db, username)
    processes = sorted({(t.instance.process_key, t.instance.definition.name) for t in everything},
                       key=lambda p: p[1].lower())
    at = now()
    chosen = [t for t in everything
              if (not process or t.instance.process_key == process)
              and (not late or is_late(t, at))]
    return Worklist(chosen, processes)


def may_see_task(session: Session, task: HumanTask, username: str) -> bool:
    if username in (task.assignee, task.completed_by):
        return True
    if task.personal:
        return False
    return holds_role(session, username, task.role, task.instance.scope)


def task_for(db: Database, task_id: int, username: str) -> TaskView:
    """The task with its form and earlier answers; NotFound as well when the user may not see it,
    so that nobody learns what exists in another body."""
    with db.reading() as session:
        task = session.get(HumanTask, task_id)
        if task is None or not may_see_task(session, task, username):
            raise NotFound(f"no task {task_id}")
        return TaskView(task, form_schema(task), form_ui_schema(task),
                        earlier_answers(session, task, username))


def earlier_answers(session: Session, task: HumanTask, username: str) -> list[Answer]:
    """What was filled in at the earlier steps of the task's instance, the latest time each step
    was done (a revised draft replaces the first one); personal tasks of others are left out."""
    rows = session.execute(
        select(AuditEvent, HumanTask)
        .join(HumanTask, AuditEvent.task_id == HumanTask.id)
        .where(AuditEvent.instance_id == task.instance_id, AuditEvent.kind == "task_completed",
               HumanTask.id != task.id)
        .order_by(AuditEvent.id)).all()
    latest: dict[str, tuple[AuditEvent, HumanTask]] = {}
    for event, done in rows:
        if done.personal and done.completed_by != username:
            continue
        latest.pop(done.element_id, None)  # re-insert: the order is that of the last completion
        latest[done.element_id] = (event, done)
    names = _display_names(session, {done.completed_by for _e, done in latest.values()})
    return [Answer(done.name, names.get(done.completed_by or "", done.completed_by or ""),
                   done.completed_at, _labelled(done, event.details.get("data") or {}))
            for event, done in latest.values()]


def _labelled(task: HumanTask, data: dict[str, Any]) -> list[tuple[str, Any]]:
    properties = (form_schema(task) or {}).get("properties", {})
    order = [name for name in properties if name in data]
    order += [name for name in data if name not in properties]
    return [(properties.get(name, {}).get("title") or name, data[name]) for name in order]


def _display_names(session: Session, usernames: set[str | None]) -> dict[str, str]:
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    return dict(session.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted))).all())
