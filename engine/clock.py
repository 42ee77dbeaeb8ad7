"""The engine's one notion of now; tests move it with time-machine."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Times without a zone in diagrams and in the governance mean Dutch local time.
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in the Netherlands (role assignments start and end on Dutch dates)."""
    return datetime.now(LOCAL_ZONE).date()
