"""The catalogue, a process with its versions, one version read-only, and a new process.
Each view reads or calls one engine function and renders the result."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import deploy, drafts, versions
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import ProcessDefinition

from ..database import get_db
from . import bp
from .access import may_change_processes, require_process_owner
from .problem_text import in_words


@bp.get("/processen")
@login_required
def catalogue() -> ResponseReturnValue:
    after = request.args.get("na") or None
    with get_db().reading() as session:
        page = versions.catalogue(session, after=after)
    return render_template("processes/catalogue.html", page=page, after=after,
                           may_change=may_change_processes())


@bp.get("/processen/<key>")
@login_required
def process(key: str) -> ResponseReturnValue:
    before = request.args.get("voor", type=int)
    with get_db().reading() as session:
        page = versions.versions_of(session, key, before=before)
        draft = next(iter(versions.drafts_of(session, [key])), None)
    if not page.rows and draft is None and before is None:
        abort(404)
    name = page.rows[0].name if page.rows else draft.name if draft else key
    return render_template("processes/process.html", key=key, name=name, page=page,
                           draft=draft, before=before, may_change=may_change_processes())


@bp.get("/processen/<key>/versies/<int:version>")
@login_required
def version(key: str, version: int) -> ResponseReturnValue:
    definition = version_or_404(key, version)
    forms = sorted(name for name in definition.resources if name.endswith("-schema.json"))
    return render_template("processes/version.html", key=key, definition=definition,
                           forms=forms, may_change=may_change_processes())


@bp.get("/processen/<key>/versies/<int:version>.bpmn")
@login_required
def download(key: str, version: int) -> ResponseReturnValue:
    definition = version_or_404(key, version)
    filename = f"{key}-v{version}.bpmn"
    return Response(definition.bpmn_xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/processen/nieuw", methods=["GET", "POST"])
@login_required
def new_process() -> ResponseReturnValue:
    require_process_owner()
    with get_db().reading() as session:
        existing = [(d.key, d.name) for d in deploy.list_definitions(session)]
    form = {"key": request.form.get("key", ""), "name": request.form.get("name", ""),
            "copy_of": request.form.get("copy_of") or request.args.get("kopie") or ""}
    problems: dict[str, str] = {}
    if request.method == "POST":
        try:
            drafts.new_process(get_db(), form["key"], form["name"], current_user.username,
                               copy_of=form["copy_of"] or None)
        except (InvalidInput, NotFound) as err:
            field = next(iter(getattr(err, "problems", {}) or {"copy_of": ""}))
            problems[field] = in_words(err.message)
        else:
            flash(_("The new process is a draft: draw it, then deploy it."), "success")
            return redirect(url_for("processes.edit", key=form["key"].strip()))
    status = 400 if problems else 200
    return render_template("processes/new.html", form=form, existing=existing,
                           problems=problems), status


@bp.post("/processen/<key>/concept/weggooien")
@login_required
def discard(key: str) -> ResponseReturnValue:
    require_process_owner()
    try:
        drafts.discard_draft(get_db(), key, current_user.username,
                             request.form.get("revision", type=int) or 0)
    except NotFound:
        abort(404)
    except Conflict:
        flash(_("Someone saved the draft after you opened this page; it was not thrown away."),
              "error")
    else:
        flash(_("The draft is thrown away; the deployed versions are unchanged."), "success")
    with get_db().reading() as session:
        deployed = deploy.latest_definition(session, key) is not None
    return redirect(url_for("processes.process", key=key) if deployed
                    else url_for("processes.catalogue"))


def version_or_404(key: str, version: int) -> ProcessDefinition:
    try:
        with get_db().reading() as session:
            definition = versions.version_source(session, key, version)
            session.expunge(definition)
            return definition
    except NotFound:
        abort(404)
