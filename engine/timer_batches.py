"""Firing the due timers of waiting instances, a batch of rows per transaction.

One query claims up to a batch of due instances; on PostgreSQL with FOR UPDATE SKIP LOCKED,
so several schedulers share the work and never fire one timer twice (SQLite has one writer at
a time, and the version column turns a second firing into a Conflict that is skipped). Each
instance fires in a SAVEPOINT of its own: one that fails is rolled back to it and marked failed
in the same transaction, and the rest of the batch commits with it, so a batch pays for one
claim and one commit instead of one per timer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, undefer_group
from sqlalchemy.orm.exc import StaleDataError

from . import audit
from .clock import now
from .db import Database
from .errors import Conflict
from .instances import mark_failed
from .models import ProcessInstance
from .runtime import StepFailed, advance, open_workflow, save
from .timer_events import firing_log
from .workflow_store import read_ahead

log = logging.getLogger(__name__)

WAITING = ("running", "waiting")
# Rows claimed by one query and committed together on PostgreSQL. Each instance's savepoint
# is a subtransaction; 50 stays below the 64 that PostgreSQL keeps per transaction in shared
# memory, past which every other session's snapshot has to look them up in pg_subtrans.
BATCH = 50
# On SQLite a transaction holds the database's one write lock, so the web's commands wait for
# the whole batch; its commits are cheap (WAL), so small batches lose little.
SQLITE_BATCH = 10
# A batch that has run this long commits; the rows it did not reach are claimed again by the
# next one, so no row lock (and no user completing a task of such an instance) waits long.
BATCH_SECONDS = 2.0


def fire_due_instances(db: Database, limit: int | None = None) -> int:
    """Fire the due timers of waiting instances, batch by batch; returns how many fired.

    A row still due after its turn (another scheduler moved it first, or it could not be
    handled) is left for the next run, so one run always ends.
    """
    fired = 0
    skip: set[int] = set()
    size = BATCH if db.is_postgres else SQLITE_BATCH
    while limit is None or fired < limit:
        batch = _fire_batch(db, skip, size if limit is None else min(size, limit - fired))
        if not batch.claimed:
            break
        fired += batch.fired
        skip |= batch.still_due
    return fired


def claim_due(db: Database, session: Session, entity: Any, due: Any, *conditions: Any,
              skip: set[int], count: int = 1, options: Iterable[Any] = ()) -> list[Any]:
    """The earliest ``count`` due rows not in ``skip``; on PostgreSQL locked, skipping rows
    that others hold."""
    query = select(entity).where(due <= now(), *conditions).order_by(due).limit(count)
    if skip:
        query = query.where(entity.id.not_in(skip))
    if db.is_postgres:
        query = query.with_for_update(skip_locked=True, of=entity)
    return list(session.scalars(query.options(*options)))


@dataclass
class _Batch:
    claimed: list[int] = field(default_factory=list)
    fired: int = 0
    still_due: set[int] = field(default_factory=set)
    # The timers that fired, by instance: their audit rows go in with one statement at the end.
    firings: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _fire_batch(db: Database, skip: set[int], size: int) -> _Batch:
    batch = _Batch()
    try:
        with db.transaction() as session:
            # The state in the claim: most instances a scheduler fires were saved by another
            # process, so their workflow is not in this one's cache and would be read anyway.
            due = claim_due(db, session, ProcessInstance, ProcessInstance.next_timer_at,
                            ProcessInstance.status.in_(WAITING), skip=skip, count=size,
                            options=[undefer_group("state")])
            batch.claimed = [instance.id for instance in due]
            read_ahead(session, due)
            began = time.monotonic()
            for instance in due:
                _take_turn(session, instance, batch)
                if time.monotonic() - began > BATCH_SECONDS:
                    break
            for instance_id, firing in batch.firings:
                audit.record(session, "timer_fired", None, instance_id=instance_id,
                             details=firing_details(firing))
    except Conflict:
        # Before the claim: another writer holds SQLite, the next run tries again. After it:
        # nothing of the batch was committed, so its rows wait for the next run.
        return _Batch(batch.claimed, 0, set(batch.claimed))
    return batch


def _take_turn(session: Session, instance: ProcessInstance, batch: _Batch) -> None:
    """Fire one claimed instance in a savepoint of its own. A failure rolls back to it, marks
    the instance failed, and the session goes on with the rest of the batch."""
    instance_id = instance.id
    try:
        with session.begin_nested():
            firings = _fire(session, instance)
    except (Conflict, StaleDataError):  # another scheduler fired it first
        batch.still_due.add(instance_id)
        return
    except StepFailed as err:
        log.warning("instance %s failed on a timer: %s", instance_id, err.message)
        _fail(session, instance_id, err)
        batch.fired += 1
        return
    except DBAPIError:
        raise  # the database itself (gone, deadlock): the batch rolls back, the next run retries
    except Exception as err:
        # Anything else (a state that no longer loads): fail the instance so that it is seen
        # and the timers behind it still fire.
        log.exception("instance %s could not fire its timer", instance_id)
        _fail(session, instance_id, StepFailed(f"the timer could not fire: {err}"))
        batch.fired += 1
        return
    batch.fired += bool(firings)
    batch.firings += [(instance_id, firing) for firing in firings]
    if instance.next_timer_at is not None and instance.next_timer_at <= now():
        batch.still_due.add(instance_id)


def _fire(session: Session, instance: ProcessInstance) -> list[dict[str, Any]]:
    workflow = open_workflow(instance)
    with firing_log() as firings:
        milestones = advance(workflow, session, None, instance.id)
    save(session, instance, workflow, milestones)
    return firings


def _fail(session: Session, instance_id: int, error: StepFailed) -> None:
    """Mark the instance failed, as it was before the rolled-back step, in the batch's
    transaction (a transaction of its own would wait for the batch's lock on the row)."""
    with session.begin_nested():  # written now, not by the next instance's flush
        instance = session.get(ProcessInstance, instance_id)
        if instance is not None:
            mark_failed(session, instance, error, None)


def firing_details(firing: dict[str, Any], fired: str = "fired once") -> dict[str, Any]:
    """A cycle whose scheduler was down fires once; the audit says how many it stands for."""
    details = dict(firing)
    if firing["occurrences"] > 1:
        details["missed"] = firing["occurrences"] - 1
        details["note"] = (f"{firing['occurrences']} occurrences fell due while no scheduler "
                           f"ran; {fired}")
    return details
