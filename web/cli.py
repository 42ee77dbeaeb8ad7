"""The ``govflow`` command: drive the engine from the shell (``--json`` for scripts).

Starting ``govflow`` imports only click, Flask and this package's light modules: each command
imports the engine, the domain and the schemas it uses when it runs, and a ``DatabaseCommand``
runs in the light app (``web.database_app``). ``tests/web/test_cli_import.py`` keeps it so.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup

from engine.clock import LOCAL_ZONE, today
from engine.errors import DeploymentRejected, EngineError
from engine.settings import INSTANCE_PATH

from . import cli_instances, cli_tasks
from .cli_app import DatabaseCommand, app_for_command
from .cli_demo import demo_command
from .cli_io import emit, json_option
from .cli_mail import mail_status, outbox_command
from .cli_members import member_group, members_command
from .cli_processes import diff_command, versions_command
from .database import get_db


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
        except Exception as err:
            reason = _database_refusal(err)
            if reason is None:
                raise
            click.echo(f"error: the database refused ({reason}); is it running and migrated "
                       "(govflow migrate)?", err=True)
            ctx.exit(1)

    # All commands are this module's: FlaskGroup would build the full app to look for the
    # app's and plugins' commands too, for `govflow --help` and for every command looked up.
    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return click.Group.get_command(self, ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return click.Group.list_commands(self, ctx)


def _database_refusal(err: Exception) -> str | None:
    """The first line of the database's refusal, if ``err`` is one (a DBAPIError)."""
    # Not imported at the top: SQLAlchemy would load for `govflow --help`. Nothing can have
    # raised a DBAPIError before a command imported SQLAlchemy.
    exc = sys.modules.get("sqlalchemy.exc")
    if exc is None or not isinstance(err, exc.DBAPIError):
        return None
    return str(err.orig).strip().splitlines()[0] if err.orig else type(err).__name__


@click.group(cls=GovflowGroup, create_app=app_for_command, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """govflow: BPMN governance processes of the care-and-safety network."""


@main.command(cls=DatabaseCommand)
def migrate() -> None:
    """Bring the database to the newest schema."""
    from engine import schema

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
    from engine import deploy

    from . import schemas

    targets = list(paths) or [Path(current_app.config["BPMN_PATH"])]
    if not paths and not any(targets[0].glob("*.bpmn")):
        click.echo(f"no diagrams in {targets[0]}: nothing to deploy")
        return
    result = deploy.deploy(get_db(), targets, actor, note=note)
    emit(result, as_json, schemas.DeployedSchema(many=True), lambda rows: "\n".join(
        f"{r.key}: version {r.version} ({r.status})" for r in rows))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Run the checks of a deployment on FILES without deploying."""
    from engine import deploy

    drafts = deploy.validate_files(get_db(), list(files))
    for draft in drafts:
        click.echo(f"{draft.source_name}: process {draft.key} is valid")


@main.command("users", cls=DatabaseCommand)
@json_option
def list_users(as_json: bool) -> None:
    """List users and their roles."""
    from engine import identity

    from . import schemas

    with get_db().reading() as session:
        rows = identity.list_users(session)
        emit(rows, as_json, schemas.UserSchema(many=True), lambda rows: "\n".join(
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
    from engine import identity

    created, secret = identity.add_user(get_db(), username, display_name=display_name,
                                        email=email, password=password, roles=roles,
                                        scope=scope, actor="cli")
    click.echo(f"user {created.username} added with role(s) {', '.join(roles)}")
    if password is None:
        click.echo(f"password: {secret}")


@main.command()
def seed() -> None:
    """Create the role catalogue and the demo users (idempotent)."""
    from workflows.seed import seed as seed_demo

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

    from .scheduler import build_scheduler

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
    from engine.timers import fire_due_timers

    from .mail.sender import deliver_mail
    from .scheduler import build_scheduler

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


@main.command("timers", cls=DatabaseCommand)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
def timers_command(limit: int, as_json: bool) -> None:
    """List what the scheduler fires next: cycle starts and the timers instances wait on."""
    from engine.timers import upcoming_timers

    from . import schemas

    rows = upcoming_timers(get_db(), limit)
    emit(rows, as_json, schemas.UpcomingTimerSchema(many=True), lambda rows: "\n".join(
        f"{t.due_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}  {t.kind:<5}  {t.process_key:<22} "
        + (f"new instance at \"{t.name}\"" if t.kind == "start"
           else f"instance {t.instance_id} ({t.title}): \"{t.name}\"")
        + (f"  [{t.scope}]" if t.scope else "") for t in rows) or "no timers")


@main.command("compliance")
@click.option("--year", type=click.IntRange(1900, 9998), help="Default: this year.")
@click.option("--check", is_flag=True,
              help="Also give the secretary of a body that can no longer reach its minimum a "
                   "task (the scheduler does this daily).")
@json_option
def compliance_command(year: int | None, check: bool, as_json: bool) -> None:
    """Meetings held per body in a year versus the minimum (MTG-1..MTG-4)."""
    from workflows.compliance import check_frequencies, frequency_report

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


for command in (
    cli_instances.start, cli_instances.list_instances, cli_instances.show, cli_instances.retry,
    cli_instances.cancel, cli_instances.audit_command,
    cli_tasks.list_tasks, cli_tasks.claim, cli_tasks.unclaim, cli_tasks.hand_over,
    cli_tasks.complete, cli_tasks.notifications_command,
    members_command, member_group, versions_command, diff_command, demo_command, outbox_command,
):
    main.add_command(command)
