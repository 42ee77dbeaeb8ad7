"""The difference between two versions of a process: a list in plain Dutch and markers on
the diagram. ``/processen/<key>/verschil?van=A&naar=B``; without them, the latest version and
the one before."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine import versions
from engine.changes import REMOVED
from engine.errors import NotFound

from ..database import get_db
from ..i18n import current_language
from . import bp
from .diff_text import lines, moved_lines

_NUMBER = re.compile(r"\d{1,9}")  # longer is no version, and would overflow the database


class BadChoice(ValueError):
    """Versions given in a way the page cannot use; the message says what to do."""


@bp.get("/processen/<key>/verschil")
@login_required
def compare(key: str) -> ResponseReturnValue:
    with get_db().reading() as session:
        numbers = versions.version_numbers(session, key)
        latest = versions.versions_of(session, key, limit=1).rows
    if not numbers:
        abort(404)
    page: dict[str, Any] = {"key": key, "name": latest[0].name, "numbers": numbers}
    if len(numbers) < 2:
        return render_template("processes/diff.html", **page)
    try:
        old, new = chosen_versions(numbers, request.args.get("van"), request.args.get("naar"))
    except BadChoice as err:
        return render_template("processes/diff.html", problem=str(err), **page), 400
    try:
        with get_db().reading() as session:
            comparison = versions.compare_versions(session, key, old, new)
    except NotFound:
        abort(404)
    return render_template("processes/diff.html", comparison=comparison,
                           lines=lines(comparison.diff), moved=moved_lines(comparison.diff),
                           viewer_data=_viewer_data(comparison), **page)


def chosen_versions(numbers: list[int], old: str | None, new: str | None) -> tuple[int, int]:
    """The two versions asked for; by default the latest and the one before it."""
    newer = _number(new) if new else numbers[0]
    older = _number(old) if old else next((n for n in numbers if n < newer), None)
    if older is None or older == newer:
        raise BadChoice(_("Choose two different versions."))
    return older, newer


def _number(text: str) -> int:
    if not _NUMBER.fullmatch(text.strip()):
        raise BadChoice(_("“%(value)s” is not a version number: choose the versions from the "
                          "lists.", value=text[:40]))
    return int(text)


def _viewer_data(comparison: versions.Comparison) -> dict[str, Any]:
    newer, older = comparison.diff.markers()
    removed = REMOVED in older.values()
    return {"language": current_language(),
            "new": {"xml": comparison.new_xml, "markers": newer},
            "old": {"xml": comparison.old_xml, "markers": older} if removed else None}
