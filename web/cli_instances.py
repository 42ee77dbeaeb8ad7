"""The commands on process instances: ``govflow start``, ``instances``, ``show``, ``retry``,
``cancel`` and ``audit``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click
from flask.cli import with_appcontext

from engine.clock import LOCAL_ZONE

from .cli_app import DatabaseCommand
from .cli_io import actor_option, emit, json_option, parse_json
from .cli_lazy import LazyChoice
from .database import get_db


@click.command()
@with_appcontext
@click.argument("key")
@click.option("--title", help="A title that tells this instance apart (e.g. 'Begroting 2027').")
@click.option("--data", help="Initial data as a JSON object (see --help-data).")
@click.option("--scope", help="The body or organisation the instance is about.")
@click.option("--start-event", metavar="ID",
              help="Start at this timer start event (default: the plain start event).")
@click.option("--as", "actor", metavar="USER", help="The user who starts it (required).")
@click.option("--help-data", is_flag=True, help="Show what data the process needs, and stop.")
@json_option
def start(key: str, title: str | None, data: str | None, scope: str | None,
          start_event: str | None, actor: str | None, help_data: bool, as_json: bool) -> None:
    """Start a new instance of process KEY."""
    from engine import instances
    from engine.start_data import start_info

    from . import schemas
    from .start_help import start_help

    if help_data:
        click.echo(start_help(start_info(get_db(), key)))
        return
    if actor is None:
        raise click.UsageError("Missing option '--as'.")
    instance = instances.start_instance(get_db(), key, title=title, data=parse_json(data),
                                        actor=actor, scope=scope, start_event=start_event)
    if instance.status == "failed":  # recorded, so that it can be seen and repaired
        click.echo(f"error: instance {instance.id} of {key} failed at its start: "
                   f"{instance.error}", err=True)
        raise SystemExit(1)
    emit(instance, as_json, schemas.InstanceSchema(), lambda i: (
        f"started instance {i.id} of {i.process_key} (version {i.definition.version}): "
        f"{i.status}"))


def _statuses() -> tuple[str, ...]:
    from engine.instances import STATUSES  # SpiffWorkflow: not for `govflow --help`

    return STATUSES


@click.command("instances", cls=DatabaseCommand)
@with_appcontext
@click.option("--process", help="Only instances of this process key.")
@click.option("--status", type=LazyChoice(_statuses))
@json_option
def list_instances(process: str | None, status: str | None, as_json: bool) -> None:
    """List process instances, newest first."""
    from engine import instances

    from . import schemas

    rows = instances.list_instances(get_db(), process=process, status=status)
    emit(rows, as_json, schemas.InstanceSchema(many=True), lambda rows: "\n".join(
        f"{i.id:>5}  {i.status:<9}  {i.process_key} v{i.definition.version}  {i.title}"
        + (f"  [{i.stage}]" if i.stage else "") for i in rows) or "no instances")


@click.command()
@with_appcontext
@click.argument("instance_id", type=int)
@json_option
def show(instance_id: int, as_json: bool) -> None:
    """Show one instance with its open tasks and data."""
    from engine import instances, tasks

    from . import schemas

    db = get_db()
    instance = instances.get_instance(db, instance_id)
    payload = schemas.InstanceSchema().dump(instance)
    payload["data"] = instances.instance_data(instance)
    payload["tasks"] = schemas.TaskSchema(many=True).dump(tasks.tasks_of_instance(db, instance_id))
    emit(payload, as_json, None, _show_text)


def _local(iso: str) -> str:
    return f"{datetime.fromisoformat(iso).astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}"


def _show_text(p: dict[str, Any]) -> str:
    lines = [f"instance {p['id']}: {p['title']}",
             f"  process  {p['process']} version {p['version']}",
             f"  status   {p['status']}" + (f" — {p['error']}" if p["error"] else ""),
             f"  stage    {p['stage'] or '-'}",
             f"  started  {_local(p['started_at'])} by {p['started_by'] or 'the system'}"]
    lines += [f"  task {t['id']:>5}  {t['state']:<9}  {t['name']}  ({t['role']})"
              for t in p["tasks"]]
    return "\n".join(lines)


@click.command()
@with_appcontext
@click.argument("instance_id", type=int)
@actor_option
@json_option
def retry(instance_id: int, actor: str, as_json: bool) -> None:
    """Run the failed step of a failed instance again, once its cause is fixed."""
    from engine import manager_actions

    from . import schemas

    instance = manager_actions.retry_instance(get_db(), instance_id, actor)
    emit(instance, as_json, schemas.InstanceSchema(),
         lambda i: f"instance {i.id} retried: {i.status}")


@click.command()
@with_appcontext
@click.argument("instance_id", type=int)
@click.option("--reason", help="Why the instance is stopped (kept in the audit trail).")
@actor_option
@json_option
def cancel(instance_id: int, reason: str | None, actor: str, as_json: bool) -> None:
    """Cancel an instance and its open tasks."""
    from engine import instances

    from . import schemas

    instance = instances.cancel_instance(get_db(), instance_id, actor, reason)
    emit(instance, as_json, schemas.InstanceSchema(), lambda i: f"instance {i.id} cancelled")


@click.command("audit", cls=DatabaseCommand)
@with_appcontext
@click.argument("instance_id", type=int)
@json_option
def audit_command(instance_id: int, as_json: bool) -> None:
    """The audit trail of an instance: who did what, when."""
    from engine import audit, instances

    from . import schemas

    db = get_db()
    with db.reading() as session:
        instances.require_instance(session, instance_id)
        events = audit.events_of_instance(session, instance_id)
    emit(events, as_json, schemas.AuditEventSchema(many=True), lambda rows: "\n".join(
        f"{e.at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M:%S}  {e.actor or 'system':<20} {e.kind}"
        + (f"  task {e.task_id}" if e.task_id else "") for e in rows))
