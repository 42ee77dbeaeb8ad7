"""Service operators for reminders and escalations drawn in the diagrams."""

from __future__ import annotations

from engine.notifications import notify, remind_task
from engine.runtime import current_instance_id, current_step


def send_reminder(task: str, message: str, assignee: str = "") -> dict[str, int]:
    """Remind whoever must do the open task ``task`` (its element id) of this instance;
    ``assignee`` narrows it to one person's task (a member's own vote)."""
    session, _actor = current_step()
    instance_id = current_instance_id()
    if instance_id is None:
        raise RuntimeError("a reminder needs the instance it is about")
    return {"reminded": remind_task(session, instance_id, task, message, assignee or None)}


def escalate(role: str, message: str, scope: str | None = None) -> dict[str, str]:
    """Tell the holders of ``role`` (for ``scope``, e.g. the next body) that work is overdue."""
    session, _actor = current_step()
    notify(session, "escalation", message, role=role, scope=scope or None,
           instance_id=current_instance_id())
    return {"escalated_to": f"{role} ({scope})" if scope else role}
