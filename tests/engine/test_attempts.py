"""Attempt counts (engine/attempts.py): the notation of rates and their fixed windows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.attempts import parse_rate


@pytest.mark.parametrize(("text", "amount", "seconds"), [
    ("5 per minute", 5, 60), ("20/hour", 20, 3600), ("100 per 10 minutes", 100, 600),
    ("3 per second", 3, 1), ("1 per day", 1, 86400)])
def test_rates_are_read_in_the_notation_of_the_settings(text: str, amount: int,
                                                       seconds: int) -> None:
    rate = parse_rate(text)
    assert (rate.amount, rate.seconds) == (amount, seconds)


@pytest.mark.parametrize("text", ["five per minute", "0 per minute", "5 per fortnight", ""])
def test_a_mistyped_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a rate"):
        parse_rate(text)


def test_a_window_holds_the_moments_of_its_length() -> None:
    rate = parse_rate("5 per minute")
    start, end = rate.window(datetime(2027, 3, 1, 9, 30, 42, tzinfo=UTC))
    assert (start, end) == (datetime(2027, 3, 1, 9, 30, tzinfo=UTC),
                            datetime(2027, 3, 1, 9, 31, tzinfo=UTC))
