"""Mail about the work itself: a new task reaches those who may do it, and a reminder or an
escalation reaches its recipients. Written in the step, through the outbox.

A message names the step, the case's title and the date it is due, and links to the task;
nothing of what the case is about, since mail leaves the network (MTG-8, REF-9).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .holders import role_holders
from .models import HumanTask, Notification, ProcessInstance
from .outbox import Message, queue_mail, queue_messages


def announce_new_tasks(session: Session, instance: ProcessInstance, new: list[HumanTask]) -> None:
    """Tell whoever may do each new task: the person it names, else the holders of its role
    for the instance's body, except those the four-eyes rule keeps from it."""
    shared = [t for t in new if not t.personal and t.role]
    holders = role_holders(session, {t.role for t in shared if t.role}, instance.scope)
    messages = []
    for task in new:
        if task.personal:
            people = [task.assignee] if task.assignee else []
        else:
            kept_away = _kept_away(session, instance, task)
            people = [p.username for p in holders.get(task.role or "", [])
                      if p.username not in kept_away]
        messages.append(Message(people, _about(instance, task), task))
    queue_messages(session, "task", messages, instance_id=instance.id)


def _kept_away(session: Session, instance: ProcessInstance, task: HumanTask) -> set[str]:
    """Who did a task this one must be separate from (four eyes)."""
    if not task.separate_from:
        return set()
    return set(session.scalars(select(HumanTask.completed_by).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "completed",
        HumanTask.element_id.in_(task.separate_from.split(","))))) - {None}


def mail_notification(session: Session, notification: Notification,
                      usernames: list[str]) -> None:
    """The mail of a reminder, an escalation, a frequency warning or a reported decision."""
    instance = (session.get(ProcessInstance, notification.instance_id)
                if notification.instance_id else None)
    task = session.get(HumanTask, notification.task_id) if notification.task_id else None
    data: dict[str, Any] = _about(instance, task) if instance is not None else {}
    queue_mail(session, notification.kind, usernames, data,
               instance_id=notification.instance_id, task=task)


def _about(instance: ProcessInstance | None, task: HumanTask | None) -> dict[str, Any]:
    data: dict[str, Any] = {"title": instance.title if instance is not None else None}
    if task is not None:
        data["task"] = task.name
        data["due"] = task.due_at.isoformat() if task.due_at else None
    return data
