"""Dates that the diagrams compute from their data: the papers deadline of a meeting, the
reminder before it or before any term, and the year and quarter of a timer occurrence.

Pure functions over ISO texts (as forms and timer occurrences give them); diagram scripts,
timers and due dates call them through HELPERS.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.clock import LOCAL_ZONE, now
from engine.timer_expressions import parse_period

from .bodies import AGENDA_LEAD_DAYS

# The secretary is reminded this many days before the papers deadline, in the morning.
REMINDER_DAYS_BEFORE_DEADLINE = 3
REMINDER_HOUR = "09:00"


def _day(value: str) -> date:
    """The date of an ISO date ("2027-03-15") or date-time ("2027-03-15T09:00+01:00")."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (e.g. 2027-03-15)")
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        raise ValueError(f'"{value}" is not a date (e.g. 2027-03-15)') from None


def papers_deadline(vergaderdatum: str) -> str:
    """The last day on which agenda and papers may go out (AGENDA_LEAD_DAYS before)."""
    return (_day(vergaderdatum) - timedelta(days=AGENDA_LEAD_DAYS)).isoformat()


def papers_reminder_at(vergaderdatum: str) -> str:
    """When the secretary is reminded to send agenda and papers (a local date-time)."""
    deadline = _day(papers_deadline(vergaderdatum))
    reminder = deadline - timedelta(days=REMINDER_DAYS_BEFORE_DEADLINE)
    return f"{reminder.isoformat()}T{REMINDER_HOUR}"


def end_of_day(day: str) -> str:
    """The last minute of a day, as a due date: work due on a day may be done all that day."""
    return f"{_day(day).isoformat()}T23:59"


def year_of(occurrence: str) -> int:
    """The calendar year of a date or timer occurrence."""
    return _day(occurrence).year


def quarter_of(occurrence: str) -> int:
    """The quarter (1-4) of a date or timer occurrence."""
    return (_day(occurrence).month - 1) // 3 + 1


def reminder_before(term: str, days: int = 2) -> str:
    """When to remind of a task due ``term`` (an ISO duration) from now: ``days`` before its
    deadline, or halfway when the term is shorter than that (a local date-time)."""
    moment = now()
    deadline = parse_period(term).after(moment)
    reminder = deadline - timedelta(days=days)
    if reminder <= moment:
        reminder = moment + (deadline - moment) / 2
    return reminder.astimezone(LOCAL_ZONE).isoformat(timespec="minutes")
