"""The pages of the inbox. Each view reads or calls one engine function and renders the result."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from engine import tasks, worklist
from engine.clock import now
from engine.errors import Conflict, EngineError, InvalidInput, NotAllowed, NotFound
from engine.forms import FormRejected
from engine.inbox_query import COUNT_LIMIT, Cursor
from engine.papers import FileRefused, file_fields
from engine.runtime import AssigneeRefused, StepFailed
from engine.worklist import TaskView

from ..auth import form_expired
from ..database import get_db
from ..i18n import current_language, local_path
from ..participants.uploads import file_rules, name_files, uploads_of
from . import bp
from .fields import ADD_ROW, fields_of, full_list, read_submission, renumbered
from .problems import by_field, summary

NO_FORM: dict[str, Any] = {"type": "object", "properties": {}}


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("inbox.index"))


@bp.get("/tasks")
@login_required
def index() -> ResponseReturnValue:
    process = request.args.get("process") or None
    late = request.args.get("late") == "1"
    after = Cursor.parse(request.args.get("na"))
    found = worklist.my_tasks(get_db(), current_user.username, process=process, late=late,
                              after=after)
    notifications = worklist.my_notifications(get_db(), current_user.username)
    return render_template("inbox/index.html", worklist=found, process=process, late=late,
                           now=now(), is_late=worklist.is_late, notifications=notifications,
                           open_task_ids={t.id for t in found.tasks}, paged=after is not None,
                           count_limit=format_decimal(COUNT_LIMIT))


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> ResponseReturnValue:
    return _change_claim(task_id, tasks.claim_task, _("You have claimed “%(task)s”."))


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> ResponseReturnValue:
    return _change_claim(task_id, tasks.unclaim_task,
                         _("“%(task)s” is back with everyone who holds its role."))


def _change_claim(task_id: int, command: Any, done: str) -> ResponseReturnValue:
    view = _visible(task_id)
    if view is None:
        return _refused(404)
    try:
        changed = command(get_db(), task_id, current_user.username)
    except (Conflict, NotAllowed):
        flash(_why_not(task_id, view), "error")
    else:
        flash(done % {"task": changed.name}, "success")
    return redirect(local_path(request.form.get("next")) or url_for("inbox.index"))


def _why_not(task_id: int, before: TaskView) -> str:
    """Why a claim or give-back was refused, as the task stands now."""
    task = (_visible(task_id) or before).task
    me = current_user.username
    if task.state == "completed":
        return _("“%(task)s” has already been completed.", task=task.name)
    if task.state != "open":
        return _("“%(task)s” was cancelled: the process no longer needs it.", task=task.name)
    if task.instance.status == "failed":
        return _("The process of “%(task)s” stopped with an error; it must be repaired first.",
                 task=task.name)
    if task.personal:
        return _("“%(task)s” is meant for you personally and cannot be given back.",
                 task=task.name)
    if task.assignee is None:
        return _("“%(task)s” is not claimed by anyone.", task=task.name)
    if task.assignee != me:
        return _("“%(task)s” was claimed by someone else just now.", task=task.name)
    return _("“%(task)s” could not be changed. Please try again.", task=task.name)


@bp.get("/tasks/<int:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    view = _visible(task_id)
    if view is None:
        return _refused(404)
    return _render_task(view)


@bp.post("/tasks/<int:task_id>")
@login_required
def submit(task_id: int) -> ResponseReturnValue:
    try:  # the answers and files of the case are read only if the form is shown again
        view = worklist.task_to_submit(get_db(), task_id, current_user.username)
    except NotFound:
        return _refused(404)
    if view.task.state != "open":
        return redirect(url_for("inbox.show", task_id=task_id))
    schema = view.schema or NO_FORM
    form, too_many = renumbered(schema, request.form)
    if too_many:
        return _render_task(view, form, too_many)
    extra_row = form.get(ADD_ROW)
    if extra_row:  # "one more row" in a list: show the form again, not saved
        limit = full_list(schema, extra_row, form)
        return _render_task(view, form, {extra_row: ("maxItems", limit)} if limit else None,
                            extra_row=extra_row)
    data, unreadable = read_submission(schema, form, current_language())
    if unreadable:
        return _render_task(view, form, unreadable)
    try:
        done = tasks.complete_task(get_db(), task_id, current_user.username, data,
                                   files=uploads_of(request.files, schema),
                                   file_rules=file_rules())
    except FileRefused as err:
        return _render_task(view, form, {err.field: (f"file_{err.reason}",
                                                     (err.file, _limit_mb(err.reason)))})
    except FormRejected as err:
        return _render_task(view, form, err.rules)
    except tasks.SeparationRequired as err:
        flash(_("Someone else must do this task, because you did “%(task)s” in this case.",
                task=err.earlier_task), "error")
        return redirect(url_for("inbox.index"))
    except NotAllowed:
        return _refused(403)
    except Conflict:
        flash(_("This task changed while you were working on it."), "error")
        return redirect(url_for("inbox.show", task_id=task_id))
    except AssigneeRefused as err:
        return _render_task(view, form, {"": ("assignee", err.usernames)})
    except StepFailed:
        return _refused(409, _("The process stopped with an error after this step. Your answers "
                               "were not saved. Please tell the owner of the process."))
    except (InvalidInput, NotFound, EngineError):
        return _render_task(view, form, {"": ("invalid", None)})
    flash(_("Thank you: “%(task)s” is completed.", task=done.name), "success")
    return redirect(url_for("inbox.index"))


@bp.errorhandler(CSRFError)
def _form_expired(error: CSRFError) -> ResponseReturnValue:
    """A task form sent with an expired token (signed in again in another tab, say) is shown
    again with what was typed, to send once more; other forms get the app's page."""
    if request.endpoint == "inbox.submit" and current_user.is_authenticated:
        view = _visible(int((request.view_args or {})["task_id"]))
        if view is not None and view.task.state == "open":
            form, _too_many = renumbered(view.schema or NO_FORM, request.form)
            page, _status = _render_task(view, form, {"": ("expired", None)})
            return page, 400
    return form_expired(error)


def _visible(task_id: int) -> TaskView | None:
    try:
        return worklist.task_for(get_db(), task_id, current_user.username)
    except NotFound:
        return None


def _render_task(view: TaskView, submitted: MultiDict[str, str] | None = None,
                 rules: dict[str, tuple[str, Any]] | None = None,
                 extra_row: str | None = None) -> tuple[str, int]:
    if not view.whole:
        view = _visible(view.task.id) or view
    fields = fields_of(view.schema or NO_FORM, view.ui_schema, submitted, extra_row,
                       values=view.values, locale=current_language())
    name_files(fields, view.files, view.values)
    problems = by_field(fields, rules or {})
    status = 422 if problems else 200
    return render_template("inbox/task.html", view=view, task=view.task, fields=fields,
                           problems=problems, summary=summary(fields, problems),
                           takes_files=bool(file_fields(view.schema)),
                           late=worklist.is_late(view.task)), status


def _limit_mb(reason: str) -> float:
    rules = file_rules()
    return (rules.per_task if reason == "total" else rules.per_file) / (1024 * 1024)


def _refused(status: int, message: str | None = None) -> ResponseReturnValue:
    titles = {403: _("Not allowed"), 404: _("Page not found"),
              409: _("The process stopped")}
    texts = {403: _("You may not do this task."),
             404: _("This page does not exist, or it is not meant for you.")}
    return render_template("error.html", title=titles[status],
                           message=message or texts[status]), status
