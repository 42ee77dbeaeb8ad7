"""Dates the diagrams compute: papers deadline and reminder (MTG-5), year and quarter of a
timer occurrence (BUD-6, REF-1)."""

from __future__ import annotations

import pytest

from workflows.bodies import chair_role
from workflows.meeting_calendar import (
    end_of_day,
    papers_deadline,
    papers_reminder_at,
    quarter_of,
    year_of,
)


def test_papers_go_out_ten_days_ahead_and_the_reminder_comes_three_days_earlier() -> None:
    assert papers_deadline("2027-03-15") == "2027-03-05"
    assert papers_deadline("2027-03-01") == "2027-02-19"  # across a month end
    assert papers_reminder_at("2027-03-15") == "2027-03-02T09:00"
    assert end_of_day(papers_deadline("2027-03-15")) == "2027-03-05T23:59"


def test_year_and_quarter_of_an_occurrence() -> None:
    """BUD-6, REF-1: a timer start gives its occurrence as a local ISO date-time."""
    assert year_of("2027-09-01T09:00:00+02:00") == 2027
    assert [quarter_of(f"2027-{m:02d}-04T09:00:00+01:00") for m in (1, 4, 7, 10, 12)] == \
        [1, 2, 3, 4, 4]


@pytest.mark.parametrize("value", ["15-03-2027", "", None, 20270315])
def test_a_date_that_is_not_iso_is_refused_with_the_value_named(value) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        papers_deadline(value)


def test_the_chair_who_hears_of_an_escalation() -> None:
    """DEC-4, DEC-5: the Stuurgroep's chair for the Regiekamer, the voorzitter DVO above."""
    assert chair_role("stuurgroep") == "Voorzitter"
    assert chair_role("dvo") == "Voorzitter DVO"
