"""The engine's one notion of now; tests move it with time-machine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Times without a zone in diagrams and in the governance mean Dutch local time.
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")

# The sandbox process runs diagram code at the engine's moment, not at its own clock's.
_fixed: ContextVar[datetime | None] = ContextVar("govflow_fixed_now", default=None)


def now() -> datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else datetime.now(UTC)


def today() -> date:
    """Today in the Netherlands (role assignments start and end on Dutch dates)."""
    return now().astimezone(LOCAL_ZONE).date()


@contextmanager
def fixed_at(moment: datetime) -> Iterator[None]:
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
