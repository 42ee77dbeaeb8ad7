"""``/overzicht/jaarcijfers``: the figures of one year for the annual report (BUD-5), each
table also as CSV (``?formaat=csv&tabel=...``).

The annual report is the manager's (art. 4.3, 5.5), so the page is the network's managers'
alone: a body's voorzitter or secretaris gets a 403, as a participant does. They see their
own body's meetings on the frequency page. The counts per body are no meeting content, so
the network sees every body's (see ``workflows.annual_figures``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from workflows.annual_figures import AnnualFigures, annual_figures

from ..database import get_db
from . import bp
from .access import require_oversight
from .csv_export import csv_response
from .frequency import BadYear, requested_year, year_choices

Table = tuple[list[str], list[list[object]]]


@bp.get("/overzicht/jaarcijfers")
@login_required
def figures() -> ResponseReturnValue:
    if not require_oversight().network:
        abort(403)
    try:
        year = requested_year()
    except BadYear as err:
        return render_template("oversight/figures.html", error=str(err), figures=None,
                               years=year_choices()), 400
    with get_db().reading() as session:
        found = annual_figures(session, year)
    if request.args.get("formaat") == "csv":
        table = TABLES.get(request.args.get("tabel", ""))
        if table is None:
            return render_template("oversight/figures.html", figures=None,
                                   years=year_choices(),
                                   error=_("Choose one of the tables to download.")), 400
        header, rows = table(found)
        return csv_response(f"jaarcijfers-{year}-{request.args['tabel']}.csv", header, rows)
    tables = [(key, title, *TABLES[key](found)) for key, title in _titles().items()]
    return render_template("oversight/figures.html", figures=found, tables=tables, error=None,
                           years=year_choices())


def _titles() -> dict[str, str]:
    return {"reflecties": _("Case reflections per sub-region and type of case"),
            "besluiten": _("Decisions per body"),
            "vergaderingen": _("Meetings held per body"),
            "taken": _("Tasks completed on time and late"),
            "toetredingen": _("Admissions of new organisations")}


def _reflections(found: AnnualFigures) -> Table:
    return ([_("Sub-region"), _("Type of case"), _("Cases"), _("Reflections held")],
            [[r.subregion, r.case_type or _("not yet brought in"), r.count, r.held]
             for r in found.reflections])


def _decisions(found: AnnualFigures) -> Table:
    return ([_("Body"), _("Agenda items"), _("Taken"), _("Escalated"),
             _("Postponed until heard")],
            [[d.name, d.items, d.taken, d.escalated, d.postponed] for d in found.decisions])


def _meetings(found: AnnualFigures) -> Table:
    return ([_("Body"), _("Meetings held"), _("Minimum")],
            [[m.name, m.held, "" if m.minimum is None else m.minimum] for m in found.meetings])


def _tasks(found: AnnualFigures) -> Table:
    return ([_("Process"), _("On time"), _("Late"), _("No deadline")],
            [[t.process_name, t.on_time, t.late, t.no_deadline] for t in found.tasks])


def _admissions(found: AnnualFigures) -> Table:
    a = found.admissions
    return ([_("Requests received"), _("Admitted"), _("Refused"), _("Not considered"),
             _("Open at the end of the year")],
            [[a.received, a.admitted, a.refused, a.not_considered, a.open]])


TABLES: dict[str, Callable[[AnnualFigures], Table]] = {
    "reflecties": _reflections, "besluiten": _decisions, "vergaderingen": _meetings,
    "taken": _tasks, "toetredingen": _admissions,
}
