"""Notifications: reminders before a deadline, escalations, frequency warnings.

Written inside the step that raises them (service tasks of the diagrams, the compliance
check), so a notification exists exactly when its step committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from . import audit
from .clock import now, today
from .holders import holders_of
from .models import HumanTask, Notification, RoleAssignment, User
from .roles import role_catalogue
from .task_mail import mail_notification


def notify(session: Session, kind: str, message: str, *, recipient: str | None = None,
           role: str | None = None, scope: str | None = None, instance_id: int | None = None,
           task_id: int | None = None) -> Notification:
    """Address a message to one user or to the holders of a role (for a scope)."""
    if (recipient is None) == (role is None):
        raise ValueError("a notification goes to a recipient or to a role, not both or neither")
    # Stored as the role is held: "Voorzitter DVO" is the Voorzitter of the DVO.
    role, scope = role_catalogue(session).resolve(role, scope)
    notification = Notification(kind=kind, message=message, recipient=recipient, role=role,
                                scope=scope, instance_id=instance_id, task_id=task_id)
    session.add(notification)
    mail_notification(session, notification,
                      [recipient] if recipient else holders_of(session, role, scope))
    to = recipient or (f"{role} ({scope})" if scope else role)
    audit.record(session, f"{kind}_sent", None, instance_id=instance_id, task_id=task_id,
                 details={"to": to, "message": message})
    return notification


# Several timers may remind of one task at once (a vote per agenda item, each with its own
# reminder): one reminder a day per task is enough.
REMINDER_QUIET_PERIOD = timedelta(hours=20)


def remind_task(session: Session, instance_id: int, element_id: str, message: str,
                assignee: str | None = None) -> int:
    """Remind whoever must do the open task ``element_id``: its assignee, else its role.

    ``assignee`` narrows it to one person's task (a member's own vote). Returns how many
    tasks were reminded; a task reminded less than a day ago is not reminded again.
    """
    query = select(HumanTask).where(HumanTask.instance_id == instance_id,
                                    HumanTask.element_id == element_id,
                                    HumanTask.state == "open")
    if assignee:
        query = query.where(HumanTask.assignee == assignee)
    since = now() - REMINDER_QUIET_PERIOD
    recently = set(session.scalars(
        select(Notification.task_id).where(Notification.kind == "reminder",
                                           Notification.instance_id == instance_id,
                                           Notification.created_at > since)))
    reminded = 0
    for task in session.scalars(query).all():
        if task.id in recently:
            continue
        if task.assignee:
            notify(session, "reminder", message, recipient=task.assignee,
                   instance_id=instance_id, task_id=task.id)
        else:
            notify(session, "reminder", message, role=task.role, scope=task.instance.scope,
                   instance_id=instance_id, task_id=task.id)
        reminded += 1
    return reminded


def notifications_for(session: Session, username: str, limit: int = 50,
                      since: datetime | None = None) -> list[Notification]:
    """The newest notifications to this user or to a role they hold (for its scope)."""
    assignments = [a for a in session.scalars(
        select(RoleAssignment).join(User).where(User.username == username)).all()
        if a.is_valid_on(today())]
    catalogue = role_catalogue(session)
    roles = catalogue.names_held(assignments)
    query = (select(Notification)
             .where(or_(Notification.recipient == username, Notification.role.in_(roles)))
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    if since is not None:
        query = query.where(Notification.created_at >= since)
    rows = session.scalars(query).all()
    mine = [n for n in rows
            if n.recipient == username or catalogue.covers(assignments, n.role, n.scope)]
    return mine[:limit]
