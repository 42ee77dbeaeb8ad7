"""The ``govflow`` command: drive the engine from the shell (``--json`` for scripts)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup
from marshmallow import Schema
from sqlalchemy.exc import DBAPIError

from engine import audit, deploy, identity, instances, manager_actions, schema, tasks, worklist
from engine.clock import LOCAL_ZONE, today
from engine.errors import DeploymentRejected, EngineError
from engine.nesting import TOO_DEEP, text_too_deep
from engine.settings import INSTANCE_PATH
from engine.start_data import start_info
from engine.timers import fire_due_timers, upcoming_timers
from workflows.compliance import check_frequencies, frequency_report
from workflows.seed import seed as seed_demo

from . import create_app, schemas
from .cli_demo import demo_command
from .cli_mail import mail_status, outbox_command
from .cli_members import member_group, members_command
from .cli_processes import diff_command, versions_command
from .database import get_db
from .mail.sender import deliver_mail
from .scheduler import build_scheduler
from .start_help import start_help


class GovflowGroup(FlaskGroup):
    """Turns every refused command into one line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeploymentRejected as err:
            for problem in err.problems:
                click.echo(problem, err=True)
            ctx.exit(1)
        except EngineError as err:
            click.echo(f"error: {err.message}", err=True)
            ctx.exit(1)
        except DBAPIError as err:
            reason = str(err.orig).strip().splitlines()[0] if err.orig else type(err).__name__
            click.echo(f"error: the database refused ({reason}); is it running and migrated "
                       "(govflow migrate)?", err=True)
            ctx.exit(1)


@click.group(cls=GovflowGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """govflow: BPMN governance processes of the care-and-safety network."""


def _emit(value: Any, as_json: bool, schema_: Schema | None, text: Callable[[Any], str]) -> None:
    if as_json:
        click.echo(json.dumps(schema_.dump(value) if schema_ else value, indent=2,
                              ensure_ascii=False))
    else:
        click.echo(text(value))


def _parse_json(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    if text_too_deep(raw):  # before the parser, which recurses per level
        raise click.BadParameter(f"the JSON is {TOO_DEEP}", param_hint="'--data'")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise click.BadParameter(f"not valid JSON: {err.msg} (column {err.colno})",
                                 param_hint="'--data'") from err


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
actor_option = click.option("--as", "actor", required=True, metavar="USER",
                            help="The user who does this.")


@main.command()
def migrate() -> None:
    """Bring the database to the newest schema."""
    schema.upgrade(get_db())
    click.echo("database is up to date")


@main.command("deploy")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--as", "actor", metavar="USER", help="Who deploys (for the audit trail).")
@click.option("--note", help="What changed and why (kept with each new version).")
@json_option
def deploy_command(paths: tuple[Path, ...], actor: str | None, note: str | None,
                   as_json: bool) -> None:
    """Validate and deploy diagrams (default: the bpmn/ folder)."""
    targets = list(paths) or [Path(current_app.config["BPMN_PATH"])]
    if not paths and not any(targets[0].glob("*.bpmn")):
        click.echo(f"no diagrams in {targets[0]}: nothing to deploy")
        return
    result = deploy.deploy(get_db(), targets, actor, note=note)
    _emit(result, as_json, schemas.DeployedSchema(many=True), lambda rows: "\n".join(
        f"{r.key}: version {r.version} ({r.status})" for r in rows))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Run the checks of a deployment on FILES without deploying."""
    drafts = deploy.validate_files(get_db(), list(files))
    for draft in drafts:
        click.echo(f"{draft.source_name}: process {draft.key} is valid")


@main.command()
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
    if help_data:
        click.echo(start_help(start_info(get_db(), key)))
        return
    if actor is None:
        raise click.UsageError("Missing option '--as'.")
    instance = instances.start_instance(get_db(), key, title=title, data=_parse_json(data),
                                        actor=actor, scope=scope, start_event=start_event)
    if instance.status == "failed":  # recorded, so that it can be seen and repaired
        click.echo(f"error: instance {instance.id} of {key} failed at its start: "
                   f"{instance.error}", err=True)
        raise SystemExit(1)
    _emit(instance, as_json, schemas.InstanceSchema(), lambda i: (
        f"started instance {i.id} of {i.process_key} (version {i.definition.version}): "
        f"{i.status}"))


@main.command("instances")
@click.option("--process", help="Only instances of this process key.")
@click.option("--status", type=click.Choice(instances.STATUSES))
@json_option
def list_instances(process: str | None, status: str | None, as_json: bool) -> None:
    """List process instances, newest first."""
    rows = instances.list_instances(get_db(), process=process, status=status)
    _emit(rows, as_json, schemas.InstanceSchema(many=True), lambda rows: "\n".join(
        f"{i.id:>5}  {i.status:<9}  {i.process_key} v{i.definition.version}  {i.title}"
        + (f"  [{i.stage}]" if i.stage else "") for i in rows) or "no instances")


@main.command()
@click.argument("instance_id", type=int)
@json_option
def show(instance_id: int, as_json: bool) -> None:
    """Show one instance with its open tasks and data."""
    db = get_db()
    instance = instances.get_instance(db, instance_id)
    payload = schemas.InstanceSchema().dump(instance)
    payload["data"] = instances.instance_data(instance)
    payload["tasks"] = schemas.TaskSchema(many=True).dump(tasks.tasks_of_instance(db, instance_id))
    _emit(payload, as_json, None, _show_text)


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


@main.command("tasks")
@actor_option
@json_option
def list_tasks(actor: str, as_json: bool) -> None:
    """The inbox of USER: tasks claimed by them and open tasks of their roles."""
    rows = tasks.inbox(get_db(), actor)
    _emit(rows, as_json, schemas.TaskSchema(many=True), lambda rows: "\n".join(
        f"{t.id:>5}  {('claimed' if t.assignee else 'open'):<8} {t.name}  ({t.role})  "
        f"— instance {t.instance_id}: {t.instance.title}" for t in rows) or "no tasks")


def _task_text(verb: str) -> Callable[[Any], str]:
    return lambda t: f'task {t.id} "{t.name}" {verb}'


@main.command()
@click.argument("task_id", type=int)
@actor_option
@json_option
def claim(task_id: int, actor: str, as_json: bool) -> None:
    """Claim a task."""
    _emit(tasks.claim_task(get_db(), task_id, actor), as_json, schemas.TaskSchema(),
          _task_text(f"claimed by {actor}"))


@main.command()
@click.argument("task_id", type=int)
@actor_option
@json_option
def unclaim(task_id: int, actor: str, as_json: bool) -> None:
    """Give a claimed task back to its role."""
    _emit(tasks.unclaim_task(get_db(), task_id, actor), as_json, schemas.TaskSchema(),
          _task_text("is open again"))


@main.command()
@click.argument("instance_id", type=int)
@actor_option
@json_option
def retry(instance_id: int, actor: str, as_json: bool) -> None:
    """Run the failed step of a failed instance again, once its cause is fixed."""
    instance = manager_actions.retry_instance(get_db(), instance_id, actor)
    _emit(instance, as_json, schemas.InstanceSchema(),
          lambda i: f"instance {i.id} retried: {i.status}")


@main.command("hand-over")
@click.argument("task_id", type=int)
@click.option("--to", "to", required=True, metavar="USER", help="Who gets the task.")
@click.option("--reason", help="Why (kept in the audit trail).")
@actor_option
@json_option
def hand_over(task_id: int, to: str, reason: str | None, actor: str, as_json: bool) -> None:
    """Hand a task to another person who holds its role (a manager of the instance)."""
    _emit(manager_actions.hand_over_task(get_db(), task_id, to, actor, reason), as_json,
          schemas.TaskSchema(), _task_text(f"handed over to {to}"))


@main.command()
@click.argument("task_id", type=int)
@click.option("--data", help="The form's answers as a JSON object.")
@actor_option
@json_option
def complete(task_id: int, data: str | None, actor: str, as_json: bool) -> None:
    """Complete a task."""
    task = tasks.complete_task(get_db(), task_id, actor, _parse_json(data))
    _emit(task, as_json, schemas.TaskSchema(), _task_text(f"completed by {actor}"))


@main.command()
@click.argument("instance_id", type=int)
@click.option("--reason", help="Why the instance is stopped (kept in the audit trail).")
@actor_option
@json_option
def cancel(instance_id: int, reason: str | None, actor: str, as_json: bool) -> None:
    """Cancel an instance and its open tasks."""
    instance = instances.cancel_instance(get_db(), instance_id, actor, reason)
    _emit(instance, as_json, schemas.InstanceSchema(), lambda i: f"instance {i.id} cancelled")


@main.command("audit")
@click.argument("instance_id", type=int)
@json_option
def audit_command(instance_id: int, as_json: bool) -> None:
    """The audit trail of an instance: who did what, when."""
    db = get_db()
    with db.reading() as session:
        instances.require_instance(session, instance_id)
        events = audit.events_of_instance(session, instance_id)
    _emit(events, as_json, schemas.AuditEventSchema(many=True), lambda rows: "\n".join(
        f"{e.at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M:%S}  {e.actor or 'system':<20} {e.kind}"
        + (f"  task {e.task_id}" if e.task_id else "") for e in rows))


@main.command("users")
@json_option
def list_users(as_json: bool) -> None:
    """List users and their roles."""
    with get_db().reading() as session:
        rows = identity.list_users(session)
        _emit(rows, as_json, schemas.UserSchema(many=True), lambda rows: "\n".join(
            f"{u.username:<32} {', '.join(_held(u))}" for u in rows) or "no users")


def _held(user: Any) -> list[str]:
    """The roles a user holds today or later, a body role with its body: "Lid (stamtafel)"."""
    running = [a for a in user.assignments
               if a.valid_until is None or a.valid_until >= today()]
    return sorted({f"{a.role} ({a.scope})" if a.scope else a.role for a in running})


@main.group()
def user() -> None:
    """Manage users."""


@user.command("add")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="A role (repeatable).")
@click.option("--scope", help="Hold the roles only for this body or organisation (a body role "
              "such as Lid is always held for one body: its code, e.g. stamtafel).")
@click.option("--password", help="Default: a generated one, printed once.")
@click.option("--name", "display_name", help="The full name shown in the pages.")
@click.option("--email")
def user_add(username: str, roles: tuple[str, ...], scope: str | None, password: str | None,
             display_name: str | None, email: str | None) -> None:
    """Add a user holding ROLE from today."""
    created, secret = identity.add_user(get_db(), username, display_name=display_name,
                                        email=email, password=password, roles=roles,
                                        scope=scope, actor="cli")
    click.echo(f"user {created.username} added with role(s) {', '.join(roles)}")
    if password is None:
        click.echo(f"password: {secret}")


@main.command()
def seed() -> None:
    """Create the role catalogue and the demo users (idempotent)."""
    password = current_app.config["DEMO_PASSWORD"]
    rows = seed_demo(get_db(), password)
    click.echo(f"demo logins (password for all: {password}):")
    for demo, created in rows:
        click.echo(f"  {demo.username:<36} {demo.described()}"
                   + ("" if created else "  (already there)"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--scheduler/--no-scheduler", default=True, show_default=True,
              help="Also fire due timers and send mail in this process.")
@click.option("--mail-sink", is_flag=True,
              help="Send the mail to a local SMTP server that keeps it in instance/mail (demo).")
def serve(host: str, port: int, scheduler: bool, mail_sink: bool) -> None:
    """Serve the web application (and the scheduler)."""
    from waitress import serve as waitress_serve

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if mail_sink:
        from .mail.sink import SINK_HOST, SINK_PORT, start_sink

        folder = INSTANCE_PATH / "mail"
        start_sink(folder)
        app.config.update(SMTP_HOST=SINK_HOST, SMTP_PORT=SINK_PORT, SMTP_STARTTLS=False,
                          SMTP_USER=None)
        click.echo(f"demo mail: kept by the SMTP sink on {SINK_HOST}:{SINK_PORT} in "
                   f"{folder / 'new'} (one file per message)")
    click.echo(mail_status(app.config))
    if scheduler:
        build_scheduler(get_db(), app.config["SCHEDULER_INTERVAL_SECONDS"], blocking=False,
                        app=app).start()
    click.echo(f"govflow serving on http://{host}:{port}")
    waitress_serve(app, host=host, port=port, threads=8)


@main.command("scheduler")
@click.option("--interval", type=click.IntRange(min=1),
              help="Seconds between runs (default: the setting).")
@click.option("--once", is_flag=True, help="Fire what is due now and stop.")
def scheduler_command(interval: int | None, once: bool) -> None:
    """Fire due timers every N seconds (several schedulers may share one PostgreSQL)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)  # a line per task state otherwise
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        click.echo(f"fired {fire_due_timers(get_db())} timer(s)")
        done = deliver_mail(app, get_db())
        click.echo(f"mail: {done.sent} sent, {done.failed} failed, {done.retrying} to retry"
                   if done.configured else mail_status(app.config))
        return
    seconds = interval or current_app.config["SCHEDULER_INTERVAL_SECONDS"]
    click.echo(f"scheduler: firing due timers every {seconds} s (Ctrl-C stops)")
    click.echo(mail_status(app.config))
    build_scheduler(get_db(), seconds, blocking=True, app=app).start()


@main.command("timers")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
def timers_command(limit: int, as_json: bool) -> None:
    """List what the scheduler fires next: cycle starts and the timers instances wait on."""
    rows = upcoming_timers(get_db(), limit)
    _emit(rows, as_json, schemas.UpcomingTimerSchema(many=True), lambda rows: "\n".join(
        f"{t.due_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}  {t.kind:<5}  {t.process_key:<22} "
        + (f"new instance at \"{t.name}\"" if t.kind == "start"
           else f"instance {t.instance_id} ({t.title}): \"{t.name}\"")
        + (f"  [{t.scope}]" if t.scope else "") for t in rows) or "no timers")


@main.command("notifications")
@actor_option
@json_option
def notifications_command(actor: str, as_json: bool) -> None:
    """Reminders and escalations for USER of the last 30 days, newest first."""
    rows = worklist.my_notifications(get_db(), actor, limit=50)
    _emit(rows, as_json, schemas.NotificationSchema(many=True), lambda rows: "\n".join(
        f"{n.created_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}  {n.kind:<10}  {n.message}"
        + (f"  (task {n.task_id})" if n.task_id else "") for n in rows) or "no notifications")


@main.command("compliance")
@click.option("--year", type=click.IntRange(1900, 9998), help="Default: this year.")
@click.option("--check", is_flag=True,
              help="Also give the secretary of a body that can no longer reach its minimum a "
                   "task (the scheduler does this daily).")
@json_option
def compliance_command(year: int | None, check: bool, as_json: bool) -> None:
    """Meetings held per body in a year versus the minimum (MTG-1..MTG-4)."""
    db = get_db()
    started = check_frequencies(db, year) if check else []
    rows = frequency_report(db, year)
    if as_json:
        click.echo(json.dumps({"bodies": [r.as_dict() for r in rows], "tasks_started": started},
                              indent=2, ensure_ascii=False))
        return
    click.echo(f"{'body':<42} {'year':>4} {'minimum':>7} {'held':>4} {'planned':>7}  status")
    for r in rows:
        status = ("met" if r.met else "on track" if r.reachable
                  else f"SHORT by {r.shortfall}")
        click.echo(f"{r.name:<42} {r.year:>4} {r.minimum:>7} {r.held:>4} {r.planned:>7}  "
                   f"{status}")
    for instance_id in started:
        click.echo(f"started instance {instance_id}: a task for the secretary")


main.add_command(members_command)
main.add_command(member_group)
main.add_command(versions_command)
main.add_command(diff_command)
main.add_command(demo_command)
main.add_command(outbox_command)
