"""``govflow outbox``: what the mail outbox holds, and whether a server is set to send it."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from .cli_app import DatabaseCommand
from .database import get_db


def mail_status(config: dict[str, object]) -> str:
    from .mail.smtp import SmtpSettings  # smtplib and ssl: only for the commands that say this

    settings = SmtpSettings.from_config(config)
    if settings is None:
        return ("mail: no SMTP server is set (GOVFLOW_SMTP_HOST); mail waits in the outbox "
                "(govflow outbox)")
    tls = " with STARTTLS" if settings.starttls else ""
    return f"mail: sent through {settings.host}:{settings.port}{tls} from {settings.sender}"


@click.command("outbox", cls=DatabaseCommand)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@with_appcontext
def outbox_command(limit: int, as_json: bool) -> None:
    """Count the mail per state and list the latest messages."""
    from engine.mail_queue import latest_mail, outbox_counts

    with get_db().reading() as session:
        counts = outbox_counts(session)
        rows = latest_mail(session, limit)
        latest = [{"id": m.id, "kind": m.kind, "to": m.address, "status": m.status,
                   "attempts": m.attempts, "created_at": m.created_at.isoformat(),
                   "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                   "error": m.last_error} for m in rows]
    if as_json:
        click.echo(json.dumps({"counts": counts, "latest": latest}, indent=2))
        return
    click.echo(mail_status(current_app.config))
    click.echo(", ".join(f"{status}: {n}" for status, n in sorted(counts.items()))
               or "the outbox is empty")
    for m in latest:
        error = f"  ({m['error']})" if m["error"] else ""
        click.echo(f"{m['id']:>6} {m['status']:<9} {m['kind']:<18} {m['to']}{error}")
