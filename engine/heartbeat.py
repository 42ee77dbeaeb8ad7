"""The schedulers' heartbeat: each completed run is noted, so that /health sees a stall.

A scheduler whose runs hang (a step that never ends, a lock never released) looks alive to
its own process; only the time since the last completed run tells. Several schedulers may
share one database: the work goes on while any of them completes runs.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from .clock import now
from .db import Database
from .models import SchedulerHeartbeat

# A scheduler is stalled when this many of its intervals passed without a completed run.
STALE_RUNS = 3
# Heartbeats of schedulers that stopped long ago are forgotten.
FORGET_AFTER = timedelta(days=7)


def this_scheduler() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def record_run(db: Database, name: str, interval_seconds: int) -> None:
    """Note that scheduler ``name`` completed a run now."""
    moment = now()
    with db.transaction() as session:
        beat = session.get(SchedulerHeartbeat, name)
        if beat is None:
            session.add(SchedulerHeartbeat(name=name, interval_seconds=interval_seconds,
                                           last_completed_at=moment))
        else:
            beat.interval_seconds, beat.last_completed_at = interval_seconds, moment
        session.execute(delete(SchedulerHeartbeat).where(
            SchedulerHeartbeat.last_completed_at < moment - FORGET_AFTER))


@dataclass(frozen=True)
class SchedulerState:
    seen: bool
    stalled: bool
    seconds_since_run: int | None = None
    interval_seconds: int | None = None


def scheduler_state(db: Database) -> SchedulerState:
    """Whether some scheduler completed a run within ``STALE_RUNS`` of its intervals."""
    with db.reading() as session:
        latest = session.scalars(select(SchedulerHeartbeat).order_by(
            SchedulerHeartbeat.last_completed_at.desc()).limit(1)).first()
        if latest is None:
            return SchedulerState(seen=False, stalled=False)
        since = int((now() - latest.last_completed_at).total_seconds())
        interval = latest.interval_seconds
    return SchedulerState(seen=True, stalled=since > STALE_RUNS * interval,
                          seconds_since_run=since, interval_seconds=interval)
