"""Counting attempts (at signing in) per key in fixed windows, kept in the database.

Every web process counts in the same table, so a limit holds for all of them together, and a
restart forgets nothing. A key is stored as a hash: no addresses or usernames are kept, and
however long a posted username is, the key fits. Windows that have passed are pruned as new
attempts come in, so the table holds about one row per key that was tried lately.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .clock import now
from .db import Database
from .models import AttemptCount

log = logging.getLogger(__name__)

_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$")
# Rows are pruned this long after their window, so that no transaction still counting in a
# window meets another one deleting it.
_GRACE = timedelta(minutes=1)


@dataclass(frozen=True)
class Rate:
    """At most ``amount`` attempts per window of ``seconds``."""

    amount: int
    seconds: int

    def window(self, at: datetime) -> tuple[datetime, datetime]:
        """The start and end of the fixed window that ``at`` falls in."""
        index = int((at - _EPOCH).total_seconds()) // self.seconds
        start = _EPOCH + timedelta(seconds=index * self.seconds)
        return start, start + timedelta(seconds=self.seconds)


def parse_rate(text: str) -> Rate:
    """'5 per minute', '20/hour', '100 per 10 minutes' (the notation of the settings)."""
    match = _RATE.match(text.lower())
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"not a rate: {text!r} (e.g. '5 per minute')")
    multiple = int(match.group(2) or 1)
    return Rate(int(match.group(1)), multiple * _UNITS[match.group(3)])


def hashed(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def count(db: Database, *counted: tuple[str, Rate]) -> list[int]:
    """Count one attempt for each (key, rate); the counts of their windows, this one included.

    Each count is one atomic upsert, so attempts at the same moment are all counted.
    """
    at = now()
    with db.transaction() as session:
        totals = [_add(session, key, rate, at) for key, rate in counted]
    _prune(db, at)
    return totals


def peek(db: Database, key: str, rate: Rate) -> int:
    """The count of ``key`` in its current window, counting nothing."""
    with db.reading() as session:
        row = session.get(AttemptCount, (hashed(key), rate.window(now())[0]))
        return row.hits if row is not None else 0


def refund(db: Database, key: str, rate: Rate) -> None:
    """Take one attempt of the current window back (it turned out to be no failure)."""
    start, _end = rate.window(now())
    with db.transaction() as session:
        session.execute(update(AttemptCount)
                        .where(AttemptCount.key == hashed(key),
                               AttemptCount.window_start == start, AttemptCount.hits > 0)
                        .values(hits=AttemptCount.hits - 1))


def forget(db: Database, key: str) -> None:
    """Clear every count of ``key``."""
    with db.transaction() as session:
        session.execute(delete(AttemptCount).where(AttemptCount.key == hashed(key)))


def _add(session: Session, key: str, rate: Rate, at: datetime) -> int:
    start, end = rate.window(at)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AttemptCount).values(key=hashed(key), window_start=start,
                                            expires_at=end, hits=1)
    statement = statement.on_conflict_do_update(
        index_elements=[AttemptCount.key, AttemptCount.window_start],
        set_={"hits": AttemptCount.hits + 1},
    ).returning(AttemptCount.hits)
    return int(session.execute(statement).scalar_one())


def _prune(db: Database, at: datetime) -> None:
    """Delete the rows of windows long past; housekeeping, so a failure only logs."""
    try:
        with db.transaction() as session:
            session.execute(delete(AttemptCount).where(AttemptCount.expires_at < at - _GRACE))
    except DBAPIError:
        log.warning("old attempt counts could not be pruned; trying again next time",
                    exc_info=True)
