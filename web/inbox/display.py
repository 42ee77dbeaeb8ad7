"""How values look on the pages: dates, numbers and yes/no in the user's language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import InvalidOperation
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _

from . import bp


@bp.app_template_filter("answer")
def answer(value: Any) -> str | list[str]:
    """An answer given in a form: a list stays a list (each item shown on its own)."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return _as_date(value) or value
    if isinstance(value, list):
        return [_flat(item) for item in value]
    if isinstance(value, dict):
        return _flat(value)
    return "" if value is None else str(value)


def _number(value: int | float) -> str:
    """A number in the user's language; one that Babel cannot format (stored before numbers
    were capped: 1e27, NaN) is shown as it is rather than breaking the page."""
    try:
        return format_decimal(value)
    except (InvalidOperation, ValueError, OverflowError):
        return str(value)


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_flat(item)}" for key, item in value.items())
    shown = answer(value)
    return ", ".join(shown) if isinstance(shown, list) else shown


def _as_date(text: str) -> str | None:
    if len(text) != 10:
        return None
    try:
        return format_date(date.fromisoformat(text), "long")
    except ValueError:
        return None


@bp.app_template_filter("day")
def day(value: datetime | None) -> str:
    return format_date(value, "long") if value is not None else ""


@bp.app_template_filter("moment")
def moment(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value is not None else ""
