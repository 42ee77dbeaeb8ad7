"""What a test run shows: the path taken per element, the steps, the open tasks with who may do
each, the notifications that would go out, the next timer and the start form. Queries only,
on the run's database at the run's clock."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import today
from .deploy import latest_definition
from .forms import ui_schema_name
from .identity import list_users
from .models import AuditEvent, HumanTask, Notification, ProcessInstance, User
from .roles import role_catalogue
from .start_data import StartEventInfo, start_info
from .tasks import inbox
from .test_runs import OpenRun
from .timers import UpcomingTimer, upcoming_timers
from .workflow_path import ACTIVE, DONE, WAITING, path_of
from .workflow_store import read_workflow

# The states a test run marks (a draft's run is never cancelled by a manager).
SHOWN = (DONE, ACTIVE, WAITING)


@dataclass(frozen=True)
class Person:
    username: str
    name: str
    roles: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One event of the run's audit trail: who (a name), what, when."""

    at: datetime
    kind: str
    actor: str | None
    task: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class OpenTask:
    task: HumanTask
    people: list[Person]  # who of the cast may do it now


@dataclass(frozen=True)
class SentNotice:
    at: datetime
    kind: str
    to: str  # a person's name, or the role (with its body)
    people: list[str]  # the names of the cast it reaches
    message: str


@dataclass(frozen=True)
class StartForm:
    event: StartEventInfo
    ui_schema: dict[str, Any]


@dataclass
class RunView:
    xml: str
    instance: ProcessInstance | None
    path: dict[str, str]
    steps: list[Step]
    tasks: list[OpenTask]
    notifications: list[SentNotice]
    next_timer: UpcomingTimer | None
    start: StartForm | None
    cast: list[Person]


def run_view(opened: OpenRun) -> RunView:
    """Everything the run's page shows."""
    run, db = opened.run, opened.db
    with opened.at_its_clock(), db.reading() as session:
        definition = latest_definition(session, run.key)
        instance = session.get(ProcessInstance, run.instance_id) if run.instance_id else None
        cast = _cast(session)
        names = {p.username: p.name for p in cast}
        view = RunView(
            xml=definition.bpmn_xml if definition else "", instance=instance,
            path=element_states(instance, run.key) if instance else {},
            steps=_steps(session, names), tasks=[], notifications=_notices(session, names),
            next_timer=next(iter(upcoming_timers(db, limit=1)), None),
            start=None if instance else start_form(opened), cast=cast)
    with opened.at_its_clock():
        view.tasks = open_tasks(opened, cast)
    return view


def element_states(instance: ProcessInstance, key: str) -> dict[str, str]:
    """Per element of the process (and of its embedded sub-processes): done, active (a task
    waits for a person, a sub-process runs) or waiting (a timer). Every task is read, not
    only the latest per element, so a path through a loop or parallel branches shows whole."""
    return {element: run.state for element, run in path_of(read_workflow(instance), key).items()
            if run.state in SHOWN}


def open_tasks(opened: OpenRun, cast: list[Person]) -> list[OpenTask]:
    """The open tasks of the run, oldest first, each with the people who may do it now: the
    same rule as the inbox (role for the body, personal tasks, four eyes)."""
    who: dict[int, list[Person]] = {}
    found: dict[int, HumanTask] = {}
    for person in cast:
        for task in inbox(opened.db, person.username):
            found[task.id] = task
            who.setdefault(task.id, []).append(person)
    with opened.db.reading() as session:
        rest = session.scalars(select(HumanTask).where(HumanTask.state == "open",
                                                       HumanTask.id.not_in(found))).all()
    for task in rest:  # nobody may do it: shown, so that the owner sees the lane is empty
        found[task.id] = task
    return [OpenTask(found[i], who.get(i, [])) for i in sorted(found)]


def _cast(session: Session) -> list[Person]:
    day = today()
    return [Person(u.username, u.display_name,
                   [(a.role, a.scope) for a in u.assignments if a.is_valid_on(day)])
            for u in list_users(session) if u.is_active]


def _steps(session: Session, names: dict[str, str]) -> list[Step]:
    rows = session.execute(
        select(AuditEvent, HumanTask.name).outerjoin(HumanTask, AuditEvent.task_id == HumanTask.id)
        .where(AuditEvent.instance_id.is_not(None)).order_by(AuditEvent.id)).all()
    return [Step(event.at, event.kind, names.get(event.actor or "", event.actor), task_name,
                 _named(dict(event.details or {}), names)) for event, task_name in rows]


def _named(details: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A notice's addressee by name rather than username."""
    to = details.get("to")
    if isinstance(to, str) and to in names:
        details["to"] = names[to]
    return details


def _notices(session: Session, names: dict[str, str]) -> list[SentNotice]:
    catalogue = role_catalogue(session)
    day = today()
    users = [u for u in session.scalars(select(User)) if u.is_active]
    notices = []
    for notice in session.scalars(select(Notification).order_by(Notification.created_at,
                                                                Notification.id)):
        if notice.recipient is not None:
            to = names.get(notice.recipient, notice.recipient)
            reached = [to]
        else:
            to = f"{notice.role} ({notice.scope})" if notice.scope else str(notice.role)
            reached = [u.display_name for u in users if catalogue.covers(
                [a for a in u.assignments if a.is_valid_on(day)], notice.role, notice.scope)]
        notices.append(SentNotice(notice.created_at, notice.kind, to, reached, notice.message))
    return notices


def start_form(opened: OpenRun) -> StartForm | None:
    """The start event a start by hand takes, with its form's layout (None: none to take)."""
    info = start_info(opened.db, opened.run.key)
    event = next((e for e in info.events if e.default), None)
    if event is None:
        return None
    ui_schema: dict[str, Any] = {}
    if event.form:
        with opened.db.reading() as session:
            definition = latest_definition(session, opened.run.key)
            text = definition.resources.get(ui_schema_name(event.form)) if definition else None
        ui_schema = json.loads(text) if text else {}
    return StartForm(event, ui_schema)
