"""Timer values as process owners write them, on the calendar of Europe/Amsterdam.

SpiffWorkflow 3.2 converts a time without a zone with the offset in force when it was imported,
turns months and years into fixed seconds and lets missed cycle occurrences pile up. Here:

- a time without a zone is a wall-clock time in Europe/Amsterdam on its own date (daylight
  saving of that date, not of today);
- the date part of a duration (years, months, weeks, days) moves the calendar: the same local
  time on the same day of the month, clamped to the month's last day; its time part (hours,
  minutes, seconds) is elapsed time;
- occurrence ``k`` of a cycle is computed from the cycle's start, never from the previous
  occurrence, so 31 January + P1M gives 28 February, 31 March, 30 April.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import isodate
from dateutil.relativedelta import relativedelta

from .clock import LOCAL_ZONE

# Literal values a process owner may write without quotes, as in Camunda Modeler.
_LITERAL = re.compile(r"^(R\d*/\S+|P[0-9WYMDTHS.,]+|\d{4}-\d{2}-\d{2}(T\S*)?|\d{4}-?W\d{2}\S*)$",
                      re.IGNORECASE)


class TimerValueError(ValueError):
    """A timer value that is not a time, a duration or a cycle; the message says why."""


def is_literal(text: str) -> bool:
    """True for ``P14D``, ``2027-03-01T10:00`` or ``R4/2027-01-15T09:00/P3M`` as written."""
    return bool(_LITERAL.match(text.strip()))


def unwrap(text: str) -> str:
    """The expression inside Camunda's ``${...}``, or the text itself."""
    text = text.strip()
    if text.startswith("${") and text.endswith("}"):
        return text[2:-1].strip()
    return text


def to_utc(local: datetime) -> datetime:
    """A wall-clock time in Europe/Amsterdam as an aware UTC time.

    A time that does not exist (the hour skipped in spring) moves forward by the gap;
    an ambiguous one (the hour repeated in autumn) means its first occurrence.
    """
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return local.replace(tzinfo=LOCAL_ZONE, fold=0).astimezone(UTC)


def parse_instant(value: Any) -> datetime:
    """A point in time from an ISO text, a datetime or a date (midnight, local)."""
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, date):
        return to_utc(datetime.combine(value, datetime.min.time()))
    if not isinstance(value, str):
        raise TimerValueError(f"{value!r} is not a date or time")
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TimerValueError(
            f'"{text}" is not an ISO 8601 date or time (e.g. 2027-03-01T10:00)') from None
    return to_utc(moment)


@dataclass(frozen=True)
class Period:
    """A duration split into its calendar part and its elapsed-time part."""

    years: int = 0
    months: int = 0
    days: int = 0
    elapsed: timedelta = timedelta(0)

    def is_zero(self) -> bool:
        return not (self.years or self.months or self.days or self.elapsed)

    def times(self, count: int) -> Period:
        return Period(self.years * count, self.months * count, self.days * count,
                      self.elapsed * count)

    def after(self, moment: datetime) -> datetime:
        """``moment`` + this period: calendar on the local wall clock, then elapsed time."""
        if not (self.years or self.months or self.days):
            return moment + self.elapsed  # no wall clock: safe in the repeated autumn hour
        local = moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)
        shifted = local + relativedelta(years=self.years, months=self.months, days=self.days)
        return to_utc(shifted) + self.elapsed

    def __str__(self) -> str:
        seconds = self.elapsed / timedelta(microseconds=1) / 1_000_000
        time = f"T{seconds:.6f}".rstrip("0").rstrip(".") + "S" if self.elapsed else ""
        date_part = "".join(f"{n}{unit}" for n, unit in
                            ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n)
        return f"P{date_part}{time}"


def parse_period(value: Any) -> Period:
    """A duration from an ISO text (``P14D``, ``P3M``, ``PT2H``) or a timedelta."""
    if isinstance(value, timedelta):
        if value <= timedelta(0):
            raise TimerValueError(f"{value} is not a positive duration")
        return Period(days=value.days, elapsed=timedelta(seconds=value.seconds,
                                                         microseconds=value.microseconds))
    if not isinstance(value, str):
        raise TimerValueError(f"{value!r} is not a duration")
    text = value.strip()
    # The parts before and after "T" are read apart: isodate folds PT24H into one day.
    date_text, has_time, time_text = text.upper().partition("T")
    try:
        calendar = isodate.parse_duration(date_text) if date_text != "P" else timedelta(0)
        elapsed = isodate.parse_duration("PT" + time_text) if has_time else timedelta(0)
    except (isodate.ISO8601Error, ValueError):
        raise TimerValueError(f'"{text}" is not an ISO 8601 duration (e.g. P14D or PT2H)') from None
    if isinstance(calendar, timedelta):
        years, months, day_part = 0, 0, calendar
    else:
        if calendar.years != int(calendar.years) or calendar.months != int(calendar.months):
            raise TimerValueError(f'"{text}": years and months must be whole numbers')
        years, months, day_part = int(calendar.years), int(calendar.months), calendar.tdelta
    if day_part.seconds or day_part.microseconds:
        raise TimerValueError(f'"{text}": days must be whole numbers; write hours after T, '
                              "e.g. P1DT12H")
    period = Period(years, months, day_part.days, elapsed)
    if period.is_zero() or min(years, months, day_part.days) < 0 or elapsed < timedelta(0):
        raise TimerValueError(f'"{text}" is not a positive duration')
    return period


@dataclass(frozen=True)
class Cycle:
    """``R[n]/start/period`` or ``R[n]/period``: occurrences start + k * period."""

    start: datetime
    period: Period
    repetitions: int | None  # None: without end

    def occurrence(self, index: int) -> datetime | None:
        if index < 0 or (self.repetitions is not None and index >= self.repetitions):
            return None
        return self.period.times(index).after(self.start)

    def first_index_after(self, moment: datetime, start_index: int = 0) -> int:
        """The first index >= ``start_index`` whose occurrence lies after ``moment``.

        Returns ``repetitions`` when no occurrence is left. Occurrences only grow with the
        index, so a doubling search and a bisection find it exactly (period lengths vary with
        months and daylight saving, so no division by an average would).
        """

        def after(index: int) -> bool:
            due = self.occurrence(index)
            return due is None or due > moment

        low = max(start_index, 0)
        if after(low):
            return low
        step = 1
        while not after(low + step):
            low, step = low + step, step * 2
        high = low + step  # after(high), not after(low)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (low, middle) if after(middle) else (middle, high)
        return high

    def __str__(self) -> str:
        count = "" if self.repetitions is None else str(self.repetitions)
        return f"R{count}/{self.start.isoformat()}/{self.period}"


def parse_cycle(value: Any, now: datetime) -> Cycle:
    """A repeating interval; without a start, the first occurrence is one period from now."""
    if not isinstance(value, str):
        raise TimerValueError(f"{value!r} is not a cycle (e.g. R4/2027-01-15T09:00/P3M)")
    text = value.strip()
    parts = text.split("/")
    if not parts[0].upper().startswith("R") or len(parts) not in (2, 3):
        raise TimerValueError(
            f'"{text}" is not a cycle: write R[n]/start/duration or R[n]/duration, '
            "e.g. R4/2027-01-15T09:00/P3M")
    count = parts[0][1:]
    if count and not count.isdigit():
        raise TimerValueError(f'"{text}": the number of repetitions "{count}" is not a number')
    repetitions = int(count) if count else None
    if repetitions == 0:
        raise TimerValueError(f'"{text}" repeats zero times, so it never fires')
    if len(parts) == 2:
        period = parse_period(parts[1])
        return Cycle(period.after(now), period, repetitions)
    if parts[1].upper().startswith("P"):
        raise TimerValueError(
            f'"{text}": a cycle that ends on a date is not supported; write R[n]/start/duration')
    return Cycle(parse_instant(parts[1]), parse_period(parts[2]), repetitions)


def check_value(kind: str, value: Any) -> None:
    """Raise TimerValueError when a value does not fit its timer kind."""
    if kind == "timeDate":
        parse_instant(value)
    elif kind == "timeDuration":
        parse_period(value)
    else:
        parse_cycle(value, datetime(2027, 1, 1, tzinfo=UTC))
