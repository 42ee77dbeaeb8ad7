"""``govflow demo``: a demo year in the database that `make run` made for itself.

Two guards keep any other database untouched: the database must be the SQLite file of the
instance folder (never one that DATABASE_URL names), and it must be new (no users, deployed
processes or instances; see workflows/demo_year.py). Either refusal is a message and exit
status 0, so that `make run` goes on to serve the database as it is.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from engine.clock import LOCAL_ZONE
from engine.settings import INSTANCE_PATH

from .database import get_db


def own_database(url: str) -> bool:
    """Whether ``url`` is the database `make run` creates: the instance folder's SQLite file."""
    return url == f"sqlite:///{Path(INSTANCE_PATH) / 'govflow.sqlite3'}"


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed a demo year up to now into a new database (idempotent; `make run` calls it)."""
    # Imported here, not for `govflow` to start: the demo year brings the whole engine.
    from engine.mail_queue import discard_unsent
    from workflows.demo_year import refusal, seed_demo_year

    if not own_database(current_app.config["DATABASE_URL"]):
        click.echo("no demo year: DATABASE_URL names a database of its own, which the demo "
                   "never touches")
        return
    db = get_db()
    reason = refusal(db)
    if reason is not None:
        click.echo(f"no demo year: {reason}")
        return
    click.echo("seeding a demo year (this takes a minute)...")
    year = seed_demo_year(db, Path(current_app.config["BPMN_PATH"]),
                          current_app.config["DEMO_PASSWORD"])
    if year is None:
        click.echo("no demo year: the database changed meanwhile")
        return
    # The invented past mails nobody; the work still open goes to the demo's mail sink.
    discarded = discard_unsent(db, year.until)
    click.echo(f"demo year from {year.first_day:%Y-%m-%d} up to "
               f"{year.until.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}:")
    for (key, status), count in sorted(year.counts.items()):
        click.echo(f"  {key:<24} {status:<10} {count:>3}")
    click.echo(f"the demo's mail about work already done is not sent ({discarded} messages)")
