"""Many due instances at once, for the scheduler tests and bench/timers.py (PostgreSQL only)."""

from __future__ import annotations

from sqlalchemy import func, insert, select, true
from sqlalchemy.orm import Session

from engine.models import AuditEvent, ProcessInstance, StoredTask


def copy_instance(session: Session, instance_id: int, copies: int) -> None:
    """Insert ``copies`` copies of an instance row, its audit trail and its stored state in three
    statements.

    Each copy is a whole instance: same definition, serialized workflow and projections.
    Only valid for instances without human tasks (the copies would share their rows).
    """
    series = func.generate_series(1, copies).table_valued("n")
    rows = ProcessInstance.__table__
    columns = [c for c in rows.c if c.name != "id"]
    session.execute(insert(rows).from_select(
        [c.name for c in columns],
        select(*columns).select_from(rows.join(series, true())).where(rows.c.id == instance_id)))
    for table in (AuditEvent.__table__, StoredTask.__table__):
        copied = [c for c in table.c if c.name not in ("id", "instance_id")]
        session.execute(insert(table).from_select(
            [c.name for c in copied] + ["instance_id"],
            select(*copied, rows.c.id).select_from(table.join(rows, rows.c.id != instance_id))
            .where(table.c.instance_id == instance_id)))
