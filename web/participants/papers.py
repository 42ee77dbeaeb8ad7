"""The papers of a case: ``/zaken/<n>/stukken`` lists them, ``/stukken/<id>`` serves one, to
those who may see the case (MTG-8); anyone else gets the same 404 as for nothing at all."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.errors import Conflict, NotFound
from engine.paper_access import papers_for, read_paper

from ..database import get_db
from . import bp
from .uploads import file_rules


@bp.get("/zaken/<int:instance_id>/stukken")
@login_required
def papers(instance_id: int) -> ResponseReturnValue:
    try:
        instance, files = papers_for(get_db(), instance_id, current_user.username)
    except NotFound:
        abort(404)
    return render_template("participants/papers.html", instance=instance, files=files)


@bp.get("/stukken/<public_id>")
@login_required
def download(public_id: str) -> ResponseReturnValue:
    try:
        paper = read_paper(get_db(), public_id, current_user.username, file_rules())
    except (NotFound, FileNotFoundError):
        abort(404)
    except Conflict:  # the download could not be recorded just now
        return render_template("error.html", title=_("Please try again"),
                               message=_("The file could not be opened just now. Please try "
                                         "again in a moment.")), 503
    response = Response(paper.content, mimetype=paper.file.media_type)
    # Always a download: a file is never shown in the app's own pages.
    response.headers["Content-Disposition"] = _disposition(paper.file.name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    if size < 1024 * 1024:
        return _("%(size)s kB", size=format_decimal(max(round(size / 1024), 1)))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


def _disposition(name: str) -> str:
    plain = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"

