"""The form editor: the JSON Schema forms of a draft, edited as a list of fields, with a live
preview by the inbox's renderer, and each form of a version read-only."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from engine import form_drafts
from engine.errors import EngineError, InvalidInput, NotFound
from engine.forms import FormRejected, preview_validator, ui_schema_name, validate_submission

from ..database import get_db
from ..i18n import current_language
from ..inbox.fields import ADD_ROW, fields_of, full_list, read_submission, renumbered
from ..inbox.problems import by_field, summary
from . import bp
from .access import require_process_owner
from .editor import refused
from .problem_text import in_words
from .views import version_or_404

# The preview's own fields, beside the form's.
SCHEMA_FIELD, UI_FIELD, FRESH_FIELD = "_schema", "_ui_schema", "_fresh"


@bp.get("/processen/<key>/formulieren/<name>/bewerken")
@login_required
def edit_form(key: str, name: str) -> ResponseReturnValue:
    require_process_owner()
    with get_db().reading() as session:
        try:
            opened = form_drafts.opened_form(session, key, name)
        except NotFound:
            abort(404)
    data = {
        "key": key, "name": name, "schema": opened.schema, "uiSchema": opened.ui_schema,
        "revision": opened.revision, "language": current_language(),
        "csrfToken": generate_csrf(), "task": request.args.get("taak", ""),
        "urls": {"save": url_for("processes.save_form", key=key, name=name),
                 "preview": url_for("processes.preview_form", key=key, name=name),
                 "back": url_for("processes.edit", key=key)},
    }
    return render_template("processes/form_editor.html", key=key, name=name,
                           is_new=opened.schema is None, data=data)


@bp.post("/processen/<key>/formulieren/<name>")
@login_required
def save_form(key: str, name: str) -> ResponseReturnValue:
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    revision = body.get("revision")
    try:
        saved = form_drafts.save_form(
            get_db(), key, name, _text(body.get("schema")), _text(body.get("uiSchema")) or None,
            current_user.username, revision if isinstance(revision, int) else None,
            removals_confirmed=body.get("confirm") is True)
    except form_drafts.FieldsInUse as err:
        return jsonify(error=_("Fields that the diagram reads would be removed or renamed. "
                               "Change the diagram first, or save anyway."),
                       readers=[{"field": r.field, "element": r.element, "name": r.name,
                                 "what": _reader_kind(r.what)} for r in err.readers]), 409
    except EngineError as err:
        return refused(err)
    return jsonify(revision=saved.revision, savedAt=format_datetime(saved.saved_at, "medium"),
                   problems=[{"element": p.element, "name": p.name,
                              "message": in_words(p.message)} for p in saved.problems])


@bp.post("/processen/<key>/formulieren/<name>/voorbeeld")
@login_required
def preview_form(key: str, name: str) -> ResponseReturnValue:
    """The form as a participant would see it, with the values the owner tried and the
    server's messages about them (a fragment of HTML that the editor shows)."""
    require_process_owner()
    try:
        schema = form_drafts.parse_schema(request.form.get(SCHEMA_FIELD, ""))
        ui_schema = json.loads(request.form.get(UI_FIELD) or "{}")
    except (InvalidInput, ValueError) as err:
        message = in_words(err.message) if isinstance(err, InvalidInput) else str(err)
        return render_template("processes/form_preview.html", problem=message)
    submitted = MultiDict([(k, v) for k, v in request.form.items(multi=True)
                           if not k.startswith("_") and k != "csrf_token"])
    if request.form.get(FRESH_FIELD):
        return _preview(schema, ui_schema)
    return _tried(schema, ui_schema, submitted, request.form.get(ADD_ROW))


@bp.get("/processen/<key>/versies/<int:version>/formulieren/<name>")
@login_required
def version_form(key: str, version: int, name: str) -> ResponseReturnValue:
    definition = version_or_404(key, version)
    text = definition.resources.get(name)
    if text is None or not name.endswith("-schema.json"):
        abort(404)
    schema = json.loads(text)
    ui_text = definition.resources.get(ui_schema_name(name))
    fields = fields_of(schema, json.loads(ui_text) if ui_text else {}, locale=current_language())
    return render_template("processes/version_form.html", key=key, definition=definition,
                           name=name, schema=schema, text=text, fields=fields)


def _tried(schema: dict[str, Any], ui_schema: dict[str, Any], submitted: MultiDict[str, str],
           extra_row: str | None) -> ResponseReturnValue:
    form, too_many = renumbered(schema, submitted)
    if too_many:
        return _preview(schema, ui_schema, form, too_many)
    if extra_row:
        limit = full_list(schema, extra_row, form)
        return _preview(schema, ui_schema, form, {extra_row: ("maxItems", limit)} if limit
                        else None, extra_row=extra_row)
    data, unreadable = read_submission(schema, form, current_language())
    if unreadable:
        return _preview(schema, ui_schema, form, unreadable)
    try:
        validate_submission(preview_validator(schema), data)
    except FormRejected as err:
        return _preview(schema, ui_schema, form, err.rules)
    return _preview(schema, ui_schema, form, accepted=True)


def _preview(schema: dict[str, Any], ui_schema: dict[str, Any],
             submitted: MultiDict[str, str] | None = None,
             rules: dict[str, tuple[str, Any]] | None = None, *, extra_row: str | None = None,
             accepted: bool = False) -> ResponseReturnValue:
    fields = fields_of(schema, ui_schema, submitted, extra_row, locale=current_language())
    problems = by_field(fields, rules or {})
    return render_template("processes/form_preview.html", schema=schema, fields=fields,
                           problems=problems, summary=summary(fields, problems),
                           accepted=accepted)


def _reader_kind(what: str) -> str:
    kinds = {"condition": _("condition"), "script": _("script"),
             "script before": _("script before"), "script after": _("script after"),
             "timer": _("timer"), "multi-instance": _("multi-instance"),
             "service parameter": _("service parameter")}
    if what.startswith("property "):
        return _("property %(name)s", name=what.removeprefix("property "))
    return kinds.get(what, what)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
