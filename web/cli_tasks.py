"""The commands on tasks: ``govflow tasks`` (a user's inbox), ``claim``, ``unclaim``,
``hand-over`` and ``complete``; and ``notifications``, a user's reminders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext

from engine.clock import LOCAL_ZONE

from .cli_app import DatabaseCommand
from .cli_io import actor_option, emit, json_option, parse_json
from .database import get_db


@click.command("tasks", cls=DatabaseCommand)
@with_appcontext
@actor_option
@json_option
def list_tasks(actor: str, as_json: bool) -> None:
    """The inbox of USER: tasks claimed by them and open tasks of their roles."""
    from engine import tasks

    from . import schemas

    rows = tasks.inbox(get_db(), actor)
    emit(rows, as_json, schemas.TaskSchema(many=True), lambda rows: "\n".join(
        f"{t.id:>5}  {('claimed' if t.assignee else 'open'):<8} {t.name}  ({t.role})  "
        f"— instance {t.instance_id}: {t.instance.title}" for t in rows) or "no tasks")


def _task_text(verb: str) -> Callable[[Any], str]:
    return lambda t: f'task {t.id} "{t.name}" {verb}'


@click.command()
@with_appcontext
@click.argument("task_id", type=int)
@actor_option
@json_option
def claim(task_id: int, actor: str, as_json: bool) -> None:
    """Claim a task."""
    from engine import tasks

    from . import schemas

    emit(tasks.claim_task(get_db(), task_id, actor), as_json, schemas.TaskSchema(),
         _task_text(f"claimed by {actor}"))


@click.command()
@with_appcontext
@click.argument("task_id", type=int)
@actor_option
@json_option
def unclaim(task_id: int, actor: str, as_json: bool) -> None:
    """Give a claimed task back to its role."""
    from engine import tasks

    from . import schemas

    emit(tasks.unclaim_task(get_db(), task_id, actor), as_json, schemas.TaskSchema(),
         _task_text("is open again"))


@click.command("hand-over")
@with_appcontext
@click.argument("task_id", type=int)
@click.option("--to", "to", required=True, metavar="USER", help="Who gets the task.")
@click.option("--reason", help="Why (kept in the audit trail).")
@actor_option
@json_option
def hand_over(task_id: int, to: str, reason: str | None, actor: str, as_json: bool) -> None:
    """Hand a task to another person who holds its role (a manager of the instance)."""
    from engine import manager_actions

    from . import schemas

    emit(manager_actions.hand_over_task(get_db(), task_id, to, actor, reason), as_json,
         schemas.TaskSchema(), _task_text(f"handed over to {to}"))


@click.command()
@with_appcontext
@click.argument("task_id", type=int)
@click.option("--data", help="The form's answers as a JSON object.")
@actor_option
@json_option
def complete(task_id: int, data: str | None, actor: str, as_json: bool) -> None:
    """Complete a task."""
    from engine import tasks

    from . import schemas

    task = tasks.complete_task(get_db(), task_id, actor, parse_json(data))
    emit(task, as_json, schemas.TaskSchema(), _task_text(f"completed by {actor}"))


@click.command("notifications", cls=DatabaseCommand)
@with_appcontext
@actor_option
@json_option
def notifications_command(actor: str, as_json: bool) -> None:
    """Reminders and escalations for USER of the last 30 days, newest first."""
    from engine import worklist

    from . import schemas

    rows = worklist.my_notifications(get_db(), actor, limit=50)
    emit(rows, as_json, schemas.NotificationSchema(many=True), lambda rows: "\n".join(
        f"{n.created_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}  {n.kind:<10}  {n.message}"
        + (f"  (task {n.task_id})" if n.task_id else "") for n in rows) or "no notifications")
