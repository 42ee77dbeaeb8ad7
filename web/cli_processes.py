"""``govflow versions KEY``: the versions of one process, as its page in the browser lists them;
``govflow diff KEY A B``: what changed from one version to another, as the diff page lists it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click
from flask.cli import with_appcontext

from engine.clock import LOCAL_ZONE
from engine.errors import NotFound

from .cli_app import DatabaseCommand
from .cli_lazy import LazyChoice, LazyDefault
from .database import get_db

if TYPE_CHECKING:  # the engine's diff and the pages' texts are imported by the commands
    from engine.changes import Change

    from .processes.diff_text import Line


# web.i18n imports Babel, which only `govflow diff` needs.
def _languages() -> list[str]:
    from .i18n import LANGUAGES

    return list(LANGUAGES)


def _default_language() -> str:
    from .i18n import DEFAULT_LANGUAGE

    return DEFAULT_LANGUAGE


@click.command("versions", cls=DatabaseCommand)
@with_appcontext
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def versions_command(key: str, as_json: bool) -> None:
    """List the versions of process KEY, newest first: when, by whom, the change note and the
    instances that still run on each."""
    from engine import versions

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


@click.command("diff")
@with_appcontext
@click.argument("key")
@click.argument("old", type=int)
@click.argument("new", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--language", type=LazyChoice(_languages), default=LazyDefault(_default_language),
              show_default=True, help="The language of the sentences.")
def diff_command(key: str, old: int, new: int, as_json: bool, language: str) -> None:
    """Print what changed in process KEY from version OLD to version NEW, one line per change,
    as the diff page lists it; what only moved on the drawing comes last."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from engine import versions

    from .processes.diff_text import lines, moved_lines

    with get_db().reading() as session:
        diff = versions.compare_versions(session, key, old, new).diff
    with force_locale(language):
        changed, moved = lines(diff), moved_lines(diff)
        if as_json:
            click.echo(json.dumps(
                [_line_json(line, change) for line, change in zip(changed, diff.changes,
                                                                   strict=True)]
                + [_line_json(line, change) for line, change in zip(moved, diff.moved,
                                                                     strict=True)],
                indent=2, ensure_ascii=False))
            return
        for line in changed:
            _echo_line(line, old, new)
        if not changed:
            click.echo(_("Nothing changed that matters when the process runs."))
        if moved:
            click.echo("\n" + _("Moved on the drawing only") + ":")
            for line in moved:
                click.echo(line.text)


def _echo_line(line: Line, old: int, new: int) -> None:
    from flask_babel import gettext as _

    click.echo(line.text)
    if line.old is not None or line.new is not None:
        for version, value in ((old, line.old), (new, line.new)):
            shown = "\n      ".join((value or _("(none)")).splitlines())
            click.echo(f"    {_('Version %(version)d', version=version)}: {shown}")


def _line_json(line: Line, change: Change) -> dict[str, Any]:
    return {"kind": change.kind, "element": change.subject.id, "type": change.subject.type,
            "name": change.subject.name, "aspect": change.aspect, "detail": change.detail,
            "old": change.old, "new": change.new, "text": line.text}
