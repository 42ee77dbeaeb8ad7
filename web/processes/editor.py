"""The diagram editor's page and the JSON calls it makes: check, save the draft, deploy it, add
a role. Every call is one engine command; what it refuses comes back as a Dutch sentence."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy import select

from engine import deploy, drafts
from engine.diagrams import Problem
from engine.errors import DeploymentRejected, EngineError, InvalidInput, NotAllowed, NotFound
from engine.models import Role, User
from engine.process_owners import add_role

from ..auth import form_expired
from ..database import get_db
from ..i18n import current_language
from . import bp
from .access import require_process_owner
from .problem_text import in_words


@bp.get("/processen/<key>/bewerken")
@login_required
def edit(key: str) -> ResponseReturnValue:
    require_process_owner()
    with get_db().reading() as session:
        try:
            opened = drafts.editable(session, key)
        except NotFound:
            return render_template("error.html", title=_("Page not found"),
                                   message=_("There is no process with this key.")), 404
        roles = [{"name": r.name, "description": r.description or ""}
                 for r in session.scalars(select(Role).order_by(Role.name))]
        processes = [{"key": d.key, "name": d.name} for d in deploy.list_definitions(session)]
    data = {
        "key": key, "name": opened.name, "xml": opened.xml, "revision": opened.revision,
        "readOnly": False, "language": current_language(), "csrfToken": generate_csrf(),
        "roles": roles, "processes": processes,
        "forms": sorted(n for n in opened.resources if n.endswith(".json")),
        "urls": {"check": url_for("processes.check", key=key),
                 "save": url_for("processes.save", key=key),
                 "deploy": url_for("processes.deploy_draft", key=key),
                 "addRole": url_for("processes.new_role"),
                 "form": url_for("processes.edit_form", key=key, name="__form__"),
                 "testRun": url_for("processes.new_test_run", key=key),
                 "afterDeploy": url_for("processes.process", key=key)},
    }
    return render_template("processes/editor.html", key=key, opened=opened, data=data)


@bp.post("/processen/<key>/controleren")
@login_required
def check(key: str) -> ResponseReturnValue:
    require_process_owner()
    xml = _json_body().get("xml")
    with get_db().reading() as session:
        try:
            resources = drafts.editable(session, key).resources
        except NotFound:
            resources = {}
    return jsonify(problems=_located(drafts.check_diagram(get_db(), key, xml, resources)))


@bp.post("/processen/<key>/concept")
@login_required
def save(key: str) -> ResponseReturnValue:
    body = _json_body()
    try:
        saved = drafts.save_draft(get_db(), key, body.get("xml"), current_user.username,
                                  _revision(body))
    except EngineError as err:
        return refused(err)
    return jsonify(revision=saved.revision, savedAt=format_datetime(saved.saved_at, "medium"),
                   savedBy=current_user.display_name, problems=_located(saved.problems))


@bp.post("/processen/<key>/publiceren")
@login_required
def deploy_draft(key: str) -> ResponseReturnValue:
    body = _json_body()
    try:
        done = drafts.deploy_draft(get_db(), key, current_user.username,
                                   str(body.get("note") or ""), _revision(body) or 0)
    except EngineError as err:
        return refused(err)
    return jsonify(version=done.version,
                   url=url_for("processes.process", key=key, gepubliceerd=done.version))


@bp.post("/processen/rollen")
@login_required
def new_role() -> ResponseReturnValue:
    body = _json_body()
    try:
        role = add_role(get_db(), str(body.get("name") or ""),
                        str(body.get("description") or ""), current_user.username)
    except EngineError as err:
        return refused(err)
    return jsonify(name=role.name, description=role.description or ""), 201


@bp.errorhandler(CSRFError)
def _token_refused(error: CSRFError) -> ResponseReturnValue:
    """The editor's calls get JSON it can show: signed out (in another tab, say), or a token
    that no longer fits; the page keeps the drawing either way. Forms get the app's page."""
    if not request.is_json:
        return form_expired(error)
    if not current_user.is_authenticated:
        return jsonify(error=_("You are signed out. Nothing was lost in this page: sign in "
                               "again in another tab, then try again.")), 401
    return jsonify(error=_("This page has expired. Nothing was lost in this page: download "
                           "your diagram, reload the page and make your change again.")), 400


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _revision(body: dict[str, Any]) -> int | None:
    value = body.get("revision")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _located(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"element": p.element, "name": p.name, "message": in_words(p.message)}
            for p in problems]


def refused(err: EngineError) -> ResponseReturnValue:
    if isinstance(err, drafts.DraftConflict):
        return jsonify(error=_conflict_text(err)), 409
    status = {NotAllowed: 403, NotFound: 404, InvalidInput: 400,
              DeploymentRejected: 400}.get(type(err), 409)
    if isinstance(err, DeploymentRejected):
        return jsonify(error=_("The draft has problems; solve them before deploying."),
                       problems=_located(list(err.found))), status
    return jsonify(error=in_words(err.message)), status


def _conflict_text(err: drafts.DraftConflict) -> str:
    if err.saved_by is None:
        return _("The draft was deployed or thrown away after you opened it. Nothing of yours "
                 "was saved: download your diagram, reload the page and make your change again.")
    with get_db().reading() as session:
        name = session.scalar(select(User.display_name).where(User.username == err.saved_by))
    return _("%(who)s saved this draft at %(when)s, after you opened it. Nothing of yours was "
             "saved: download your diagram, reload the page to see theirs, and make your "
             "change again.", who=name or err.saved_by,
             when=format_datetime(err.saved_at, "short"))
