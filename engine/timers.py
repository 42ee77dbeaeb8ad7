"""Firing due timers: the scheduler's one command."""

from __future__ import annotations

import logging

from sqlalchemy import select

from . import audit
from .clock import now
from .db import Database
from .instances import record_failure
from .models import ProcessInstance
from .runtime import StepFailed, advance, open_workflow, save

log = logging.getLogger(__name__)


def fire_due_timers(db: Database, limit: int = 100) -> int:
    """Advance every waiting instance whose next timer is due; returns how many fired.

    Each instance fires in a transaction of its own; on PostgreSQL the row is claimed with
    FOR UPDATE SKIP LOCKED, so several schedulers never fire one timer twice.
    """
    fired: set[int] = set()
    while len(fired) < limit:
        instance_id = _fire_next(db, fired)
        if instance_id is None:
            break
        fired.add(instance_id)
    return len(fired)


def _fire_next(db: Database, skip: set[int]) -> int | None:
    instance_id = None
    try:
        with db.transaction() as session:
            query = (select(ProcessInstance)
                     .where(ProcessInstance.next_timer_at <= now(),
                            ProcessInstance.status.in_(("running", "waiting")),
                            ProcessInstance.id.not_in(skip))
                     .order_by(ProcessInstance.next_timer_at).limit(1))
            if db.is_postgres:
                query = query.with_for_update(skip_locked=True, of=ProcessInstance)
            instance = session.scalars(query).first()
            if instance is None:
                return None
            instance_id = instance.id
            due = instance.next_timer_at
            workflow = open_workflow(instance)
            save(session, instance, workflow, advance(workflow, session))
            audit.record(session, "timer_fired", None, instance_id=instance.id,
                         details={"due": due.isoformat()})
            return instance_id
    except StepFailed as err:
        log.warning("instance %s failed on a timer: %s", instance_id, err.message)
        record_failure(db, instance_id, err, None)
        return instance_id
