"""``/overzicht``: the cycles of one year per process, their stage, status and open tasks,
the late ones in words and colour, filters and counts, and the same as CSV."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required

from engine import overview as cycles
from engine.clock import LOCAL_ZONE, now
from engine.oversight import Oversight
from workflows.bodies import BODIES, body_name

from ..database import get_db
from . import bp
from .access import current_oversight, require_oversight
from .csv_export import csv_response


@bp.app_template_global()
def oversees() -> bool:
    """Whether the menu shows the managers' pages."""
    return current_oversight().any


bp.add_app_template_global(current_oversight, "current_oversight")


@bp.get("/overzicht")
@login_required
def overview() -> ResponseReturnValue:
    oversight = require_oversight()
    wanted = _wanted(oversight)
    at = now()
    with get_db().reading() as session:
        if request.args.get("formaat") == "csv":
            rows = [_csv_row(cycle) for cycle in cycles.all_cycles(session, oversight, wanted, at)]
            return csv_response(f"overzicht-{wanted.year}.csv", _csv_header(), rows)
        page = cycles.overview(session, oversight, wanted, request.args.get("na"), at=at)
        processes = cycles.process_choices(session)
    bodies = [(code, BODIES[code].name) for code in sorted(oversight.bodies) if code in BODIES]
    return render_template("oversight/overview.html", page=page, wanted=wanted,
                           processes=processes, bodies=bodies, statuses=status_words(),
                           years=_years(), at=at)


def status_words() -> dict[str, str]:
    return {"running": _("running"), "waiting": _("waiting"), "failed": _("failed"),
            "completed": _("completed"), "cancelled": _("cancelled")}


def _wanted(oversight: Oversight) -> cycles.OverviewFilter:
    """The filter from the query string; a value outside the choices is ignored."""
    args = request.args
    this_year = now().astimezone(LOCAL_ZONE).year
    year = args.get("jaar", type=int)
    if year is None or not 2000 <= year <= this_year + 5:
        year = this_year
    status = args.get("status") if args.get("status") in cycles.STATUSES else None
    body = args.get("orgaan") if args.get("orgaan") in oversight.bodies else None
    return cycles.OverviewFilter(year=year, process=args.get("proces") or None, body=body,
                                 status=status, late=args.get("te_laat") == "1")


def _years() -> list[int]:
    this_year = now().astimezone(LOCAL_ZONE).year
    return list(range(this_year + 1, this_year - 6, -1))


def _csv_header() -> list[str]:
    return [_("Process"), _("Cycle"), _("Body"), _("Stage"), _("Status"), _("Started"),
            _("Open tasks"), _("Due"), _("Late")]


def _csv_row(cycle: cycles.Cycle) -> list[str]:
    tasks = ", ".join(f"{t.name} ({t.assignee_name or t.assignee or t.role or ''})"
                      for t in cycle.open_tasks)
    body = body_name(cycle.scope) if cycle.scope in BODIES else cycle.scope or ""
    status = status_words().get(cycle.status, cycle.status)
    return [cycle.process_name, cycle.title, body, cycle.stage or "", status,
            csv_day(cycle.started_at), tasks, csv_day(cycle.due_at),
            _("yes") if cycle.late else _("no")]


def csv_day(moment: datetime | None) -> str:
    """A date as Dutch Excel reads it (31-12-2027)."""
    return format_date(moment, "dd-MM-yyyy") if moment else ""
