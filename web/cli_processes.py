"""``govflow versions KEY``: the versions of one process, as its page in the browser lists them."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from engine import versions
from engine.clock import LOCAL_ZONE
from engine.errors import NotFound

from .database import get_db


@click.command("versions")
@with_appcontext
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def versions_command(key: str, as_json: bool) -> None:
    """List the versions of process KEY, newest first: when, by whom, the change note and the
    instances that still run on each."""
    rows: list[versions.VersionRow] = []
    with get_db().reading() as session:
        before = None
        while True:  # every page: a terminal shows them all
            page = versions.versions_of(session, key, before=before)
            rows += page.rows
            if page.next is None:
                break
            before = int(page.next)
        draft = next(iter(versions.drafts_of(session, [key])), None)
    if not rows and draft is None:
        raise NotFound(f"no process with key {key!r}")
    if as_json:
        click.echo(json.dumps([{
            "version": r.version, "deployed_at": r.deployed_at.isoformat(),
            "deployed_by": r.deployed_by, "change_note": r.change_note, "running": r.running,
        } for r in rows], indent=2, ensure_ascii=False))
        return
    for r in rows:
        when = r.deployed_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
        note = " ".join((r.change_note or "-").split())
        click.echo(f"{r.version:>4}  {when}  {r.deployed_by or '-':<20} running: {r.running:<4} "
                   f"{note}")
    if draft is not None:
        click.echo(f"draft: revision {draft.revision}, saved by {draft.saved_by} "
                   f"{draft.saved_at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M}")
