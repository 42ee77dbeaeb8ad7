"""Timer values on the Dutch calendar: each pins a fault of SpiffWorkflow 3.2 we do not inherit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.clock import LOCAL_ZONE
from engine.timer_expressions import (
    TimerValueError,
    check_value,
    is_literal,
    parse_cycle,
    parse_instant,
    parse_period,
    unwrap,
)

NOVEMBER = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_ZONE).isoformat()


def test_a_time_without_zone_uses_the_offset_of_its_own_date() -> None:
    """SpiffWorkflow uses the offset of import time: a July meeting planned in winter is 1 h off."""
    assert parse_instant("2027-07-01T10:00") == datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
    assert parse_instant("2027-01-15T10:00") == datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    assert parse_instant("2027-07-01T10:00+00:00") == datetime(2027, 7, 1, 10, 0, tzinfo=UTC)
    assert parse_instant("2027-03-01") == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)


def test_the_hour_skipped_in_spring_moves_forward_and_the_repeated_hour_means_the_first() -> None:
    assert local(parse_instant("2027-03-28T02:30")) == "2027-03-28T03:30:00+02:00"
    assert local(parse_instant("2027-10-31T02:30")) == "2027-10-31T02:30:00+02:00"


def test_month_cycles_follow_the_calendar_not_fixed_seconds() -> None:
    """SpiffWorkflow fires R4/2027-01-01T09:00/P3M on 1 Jan, 1 Apr, 30 Jun and 28 Sep."""
    cycle = parse_cycle("R4/2027-01-01T09:00/P3M", NOVEMBER)
    assert [local(cycle.occurrence(i)) for i in range(4)] == [
        "2027-01-01T09:00:00+01:00", "2027-04-01T09:00:00+02:00",
        "2027-07-01T09:00:00+02:00", "2027-10-01T09:00:00+02:00"]
    assert cycle.occurrence(4) is None


def test_a_month_end_cycle_does_not_drift() -> None:
    cycle = parse_cycle("R/2027-01-31T09:00/P1M", NOVEMBER)
    days = [cycle.occurrence(i).astimezone(LOCAL_ZONE).date().isoformat() for i in range(4)]
    assert days == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"]


def test_yearly_cycles_keep_the_date_and_the_local_time() -> None:
    cycle = parse_cycle("R/2027-09-01T09:00/P1Y", NOVEMBER)
    assert [local(cycle.occurrence(i)) for i in (0, 1, 5)] == [
        "2027-09-01T09:00:00+02:00", "2028-09-01T09:00:00+02:00", "2032-09-01T09:00:00+02:00"]
    leap = parse_cycle("R/2028-02-29T09:00/P1Y", NOVEMBER)
    assert local(leap.occurrence(1)) == "2029-02-28T09:00:00+01:00"


def test_days_keep_the_local_time_across_daylight_saving_and_hours_are_elapsed() -> None:
    saturday = parse_instant("2027-03-27T09:00")
    assert local(parse_period("P1D").after(saturday)) == "2027-03-28T09:00:00+02:00"
    assert parse_period("PT24H").after(saturday) - saturday == timedelta(hours=24)
    weekly = parse_cycle("R/2027-03-22T09:00/P1W", NOVEMBER)
    assert local(weekly.occurrence(1)) == "2027-03-29T09:00:00+02:00"


def test_a_cycle_without_start_begins_one_period_from_now() -> None:
    cycle = parse_cycle("R/P1W", NOVEMBER)
    assert cycle.occurrence(0) == NOVEMBER + timedelta(weeks=1)
    assert cycle.repetitions is None


def test_missed_occurrences_are_counted_not_replayed() -> None:
    """SpiffWorkflow fires every missed occurrence at once; we find the next one to come."""
    cycle = parse_cycle("R/2027-01-04T09:00/P1W", NOVEMBER)
    later = cycle.occurrence(3) + timedelta(hours=1)
    assert cycle.first_index_after(later) == 4
    assert cycle.first_index_after(later, start_index=2) == 4
    minutes = parse_cycle("R/2027-01-01T00:00/PT1M", NOVEMBER)
    assert minutes.first_index_after(datetime(2028, 1, 1, tzinfo=UTC)) == 525600 + 60 + 1


def test_camunda_literals_and_expressions_are_told_apart() -> None:
    for literal in ("P14D", "PT2H", "2027-03-01T10:00", "2027-03-01", "R4/2027-01-15T09:00/P3M",
                    "R/P1W"):
        assert is_literal(literal), literal
    for expression in ('"P14D"', "termijn", 'vergaderdatum + "T14:00"', "papers_due(datum)"):
        assert not is_literal(expression), expression
    assert unwrap("${termijn}") == "termijn"


@pytest.mark.parametrize(("kind", "value", "message"), [
    ("timeDuration", "P14", "not an ISO 8601 duration"),
    ("timeDuration", "P0D", "not a positive duration"),
    ("timeDate", "1 maart", "not an ISO 8601 date or time"),
    ("timeCycle", "R0/P1D", "never fires"),
    ("timeCycle", "Rx/P1D", "is not a number"),
    ("timeCycle", "P1D", "not a cycle"),
    ("timeCycle", "R2/P1D/2027-01-01", "not supported"),
    ("timeDuration", "-P1M", "not a positive duration"),
    ("timeCycle", "R/2026-01-01T09:00/-P1Y", "not a positive duration"),
    ("timeDuration", "P1.5D", "days must be whole numbers"),
])
def test_bad_values_say_what_is_wrong(kind: str, value: str, message: str) -> None:
    with pytest.raises(TimerValueError, match=message):
        check_value(kind, value)


def linear_first_index_after(cycle, moment: datetime, start_index: int = 0) -> int:
    index = start_index
    while (due := cycle.occurrence(index)) is not None and due <= moment:
        index += 1
    return index


@pytest.mark.parametrize("expression", [
    "R/2025-01-31T09:00/P1M", "R/2027-03-27T09:00/P1D", "R4/2027-01-01T09:00/P3M",
    "R12/2027-01-31T09:00/P1M", "R2/2027-01-04T09:00/P1D", "R/2024-02-29T09:00/P1Y",
    "R/2027-10-30T02:30/PT12H"])
def test_the_next_occurrence_is_found_exactly_after_any_downtime(expression: str) -> None:
    """Months of 28 to 31 days and days of 23 to 25 hours: no occurrence skipped or repeated."""
    cycle = parse_cycle(expression, NOVEMBER)
    for hours in range(-30, 24 * 500, 37):
        moment = cycle.start + timedelta(hours=hours)
        for start_index in (0, 1, 3):
            assert cycle.first_index_after(moment, start_index) == linear_first_index_after(
                cycle, moment, start_index), (moment, start_index)


def test_an_elapsed_duration_in_the_repeated_autumn_hour_lies_ahead() -> None:
    second_pass = datetime(2027, 10, 31, 1, 5, tzinfo=UTC)  # 02:05 CET, after 02:05 CEST
    assert parse_period("PT10M").after(second_pass) == second_pass + timedelta(minutes=10)


def test_a_period_is_written_so_that_it_reads_back() -> None:
    for text in ("PT336H", "P1Y2M3DT4H5M6S", "PT0.5S", "P2W"):
        period = parse_period(text)
        assert parse_period(str(period)) == period
