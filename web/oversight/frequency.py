"""``/overzicht/vergaderfrequentie``: per body and year, meetings held and planned against the
minimum, per quarter, as a chart and a table; the regiegroep before the Stamtafel each
quarter and its two yearly topics; the tables as CSV. Who sees which body:
``workflows.frequency_view``."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from engine.clock import LOCAL_ZONE, now
from workflows.frequency_view import FrequencyView, QuarterOrder, frequency_view
from workflows.meeting_counts import BodyYear

from ..database import get_db
from . import bp
from .access import require_oversight
from .charts import frequency_chart, verdict
from .csv_export import csv_response
from .overview import csv_day

FIRST_YEAR = 2000


class BadYear(ValueError):
    """A ``jaar`` that is no year the pages can show."""


def requested_year() -> int:
    """``?jaar=`` (default: this year), from 2000 to five years ahead."""
    this_year = now().astimezone(LOCAL_ZONE).year
    text = request.args.get("jaar", "").strip()
    if not text:
        return this_year
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= this_year + 5:
        raise BadYear(_("Choose a year from %(first)d to %(last)d.", first=FIRST_YEAR,
                        last=this_year + 5))
    return int(text)


def year_choices() -> list[int]:
    this_year = now().astimezone(LOCAL_ZONE).year
    return list(range(this_year + 1, this_year - 6, -1))


@bp.get("/overzicht/vergaderfrequentie")
@login_required
def frequency() -> ResponseReturnValue:
    oversight = require_oversight()
    try:
        year = requested_year()
    except BadYear as err:
        return render_template("oversight/frequency.html", error=str(err), view=None,
                               years=year_choices()), 400
    with get_db().reading() as session:
        view = frequency_view(session, oversight, year)
    if request.args.get("formaat") == "csv":
        return _csv(view)
    return render_template("oversight/frequency.html", view=view, error=None,
                           chart=frequency_chart(view.bodies), verdict=verdict,
                           years=year_choices())


def _csv(view: FrequencyView) -> ResponseReturnValue:
    if request.args.get("tabel") == "regiegroep":
        rows = [_order_row(order, view.show_stamtafel_dates) for order in view.order or []]
        return csv_response(f"regiegroep-voor-stamtafel-{view.year}.csv", _order_header(), rows)
    return csv_response(f"vergaderfrequentie-{view.year}.csv", _body_header(),
                        [_body_row(row) for row in view.bodies])


def _body_header() -> list[str]:
    quarters = [text for q in (1, 2, 3, 4)
                for text in (_("Q%(q)d held", q=q), _("Q%(q)d planned", q=q))]
    return [_("Body"), _("Year"), _("Minimum"), *quarters, _("Held"), _("Planned"),
            _("Status")]


def _body_row(row: BodyYear) -> list[object]:
    quarters = [n for pair in zip(row.held_per_quarter, row.planned_per_quarter, strict=True)
                for n in pair]
    return [row.name, row.year, row.minimum, *quarters, row.held, row.planned, verdict(row)]


def _order_header() -> list[str]:
    return [_("Quarter"), _("Regiegroep"), _("Stamtafel"), _("Regiegroep first")]


def _order_row(order: QuarterOrder, stamtafel_dates: bool) -> list[object]:
    stamtafel = csv_day(order.stamtafel) if stamtafel_dates else (
        _("yes") if order.stamtafel else _("no"))
    return [_("Q%(q)d", q=order.quarter), csv_day(order.regiegroep), stamtafel, order_words(order)]


def order_words(order: QuarterOrder) -> str:
    """MTG-3 in one quarter, in words."""
    if not order.applies:
        return _("no Stamtafel meeting")
    if order.before:
        return _("yes") if order.settled else _("yes, as planned")
    return _("no") if order.settled or order.regiegroep is None else _("no, as planned")


bp.add_app_template_global(order_words, "order_words")
