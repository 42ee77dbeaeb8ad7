"""The audit trail: every command appends who did what, when, on which instance and task."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent


def record(session: Session, kind: str, actor: str | None, *, instance_id: int | None = None,
           task_id: int | None = None, details: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction (``kind`` is snake_case)."""
    event = AuditEvent(kind=kind, actor=actor, instance_id=instance_id, task_id=task_id,
                       details=details or {})
    session.add(event)
    return event


def events_of_instance(session: Session, instance_id: int) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
    ))
