"""Many due instances at once, for the scheduler tests and bench/timers.py (PostgreSQL only)."""

from __future__ import annotations

from sqlalchemy import func, insert, select, true
from sqlalchemy.orm import Session

from engine.models import AuditEvent, ProcessInstance


def copy_instance(session: Session, instance_id: int, copies: int) -> None:
    """Insert ``copies`` copies of an instance row and its audit trail in two statements.

    Each copy is a whole instance: same definition, serialized workflow and projections.
    Only valid for instances without human tasks (the copies would share their rows).
    """
    series = func.generate_series(1, copies).table_valued("n")
    rows = ProcessInstance.__table__
    columns = [c for c in rows.c if c.name != "id"]
    session.execute(insert(rows).from_select(
        [c.name for c in columns],
        select(*columns).select_from(rows.join(series, true())).where(rows.c.id == instance_id)))
    events = AuditEvent.__table__
    copied = [c for c in events.c if c.name not in ("id", "instance_id")]
    session.execute(insert(events).from_select(
        [c.name for c in copied] + ["instance_id"],
        select(*copied, rows.c.id).select_from(events.join(rows, rows.c.id != instance_id))
        .where(events.c.instance_id == instance_id)))
