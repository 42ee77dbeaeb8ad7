"""``/overzicht/te-laat``: every overdue task a manager oversees, how many days late, and the
reminders already sent; the same as CSV."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.clock import now
from engine.late_work import LateTask, all_late_work, late_work
from workflows.bodies import BODIES, body_name

from ..database import get_db
from . import bp
from .access import require_oversight
from .csv_export import csv_response
from .overview import csv_day


@bp.get("/overzicht/te-laat")
@login_required
def late() -> ResponseReturnValue:
    oversight = require_oversight()
    at = now()
    with get_db().reading() as session:
        if request.args.get("formaat") == "csv":
            rows = [_csv_row(task) for task in all_late_work(session, oversight, at)]
            return csv_response("te-laat.csv", _csv_header(), rows)
        page = late_work(session, oversight, request.args.get("na"), at=at)
    return render_template("oversight/late_work.html", page=page)


def _csv_header() -> list[str]:
    return [_("Task"), _("Cycle"), _("Process"), _("Body"), _("Role"), _("Person"), _("Due"),
            _("Days late"), _("Reminders sent"), _("Last reminder")]


def _csv_row(task: LateTask) -> list[object]:
    body = body_name(task.scope) if task.scope in BODIES else task.scope or ""
    return [task.name, task.title, task.process_name, body, task.role or "",
            task.assignee_name or task.assignee or "", csv_day(task.due_at), task.days_late,
            task.reminders, csv_day(task.last_reminder_at)]
