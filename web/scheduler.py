"""The scheduler: APScheduler fires what is due every N seconds, checks the meeting frequencies
daily and sends the outbox's mail."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from engine.db import Database
from engine.heartbeat import record_run, this_scheduler
from engine.timers import fire_due_timers
from workflows.compliance import check_frequencies

from .mail.sender import deliver_mail

log = logging.getLogger(__name__)
# Mail goes out within seconds of the step that wrote it.
MAIL_INTERVAL_SECONDS = 10


def _fire(db: Database, interval_seconds: int) -> None:
    fired = fire_due_timers(db)
    if fired:
        log.info("fired the timers of %d instance(s)", fired)
    # Only a completed run counts: /health reports a scheduler whose runs stopped ending.
    record_run(db, this_scheduler(), interval_seconds)


def _check_frequencies(db: Database) -> None:
    started = check_frequencies(db)
    if started:
        log.info("meeting frequency: gave %d secretary(ies) a task", len(started))


def _deliver(app: Flask, db: Database) -> None:
    done = deliver_mail(app, db)
    if done.sent or done.failed:
        log.info("mail: %d sent, %d failed for good, %d to try again", done.sent, done.failed,
                 done.retrying)


def build_scheduler(db: Database, interval_seconds: int, *, blocking: bool,
                    app: Flask | None = None) -> BaseScheduler:
    """The scheduler's jobs; with ``app``, it also delivers the outbox's mail."""
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    if app is not None:
        scheduler.add_job(_deliver, "interval", args=[app, db], seconds=MAIL_INTERVAL_SECONDS,
                          id="deliver_mail", max_instances=1, coalesce=True)
    # One run at a time; a run that was missed (sleep, load) is merged into the next.
    scheduler.add_job(_fire, "interval", args=[db, interval_seconds], seconds=interval_seconds,
                      id="fire_due_timers", max_instances=1, coalesce=True)
    # MTG-1..MTG-4: a body that can no longer reach its minimum; daily is often enough.
    scheduler.add_job(_check_frequencies, "cron", args=[db], hour=7, minute=0,
                      id="check_frequencies", max_instances=1, coalesce=True)
    return scheduler
