"""The outbox: mail is written in the transaction of the step that causes it (design.md).

What is written is what a message is about (``data``), to whom and how: at once, or held for
the recipient's daily digest, as they chose per kind. A rolled-back step leaves no mail; the
sender (``engine.mail_queue``) delivers what committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import LOCAL_ZONE, now
from .models import HumanTask, User
from .outreach_models import MailPreference, OutgoingMail

# The kinds a user chooses for (``MailPreference.kind``) and the ones they cannot switch off.
MAIL_KINDS = ("task", "reminder", "escalation", "meeting", "decision")
ALWAYS_SENT = frozenset({"reminder", "escalation"})
DELIVERIES = ("now", "digest", "off")
# Each kind of message belongs to one kind of choice.
CHOICE_OF = {"task": "task", "reminder": "reminder", "escalation": "escalation",
             "frequency": "escalation", "invitation": "meeting", "meeting_moved": "meeting",
             "meeting_cancelled": "meeting", "papers": "meeting", "decision": "decision"}
MESSAGE_DOMAIN = "govflow.local"


def next_digest(hour: int, after: datetime | None = None) -> datetime:
    """The next moment it is ``hour`` o'clock in the Netherlands."""
    local = (after or now()).astimezone(LOCAL_ZONE)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if at <= local:
        at = (at + timedelta(days=1)).replace(hour=hour)
    return at.astimezone(now().tzinfo)


@dataclass(frozen=True)
class Message:
    """One message of a kind, for some users: what it is about, and its task if any (a row
    that may not be flushed yet: the message gets its id when the step is written)."""

    usernames: Iterable[str]
    data: dict[str, Any]
    task: HumanTask | None = None


def queue_mail(session: Session, kind: str, usernames: Iterable[str], data: dict[str, Any], *,
               instance_id: int | None = None, task: HumanTask | None = None) -> int:
    """Write a message of ``kind`` for each of ``usernames`` who has an address and has not
    switched that kind off; returns how many were written."""
    return queue_messages(session, kind, [Message(usernames, data, task)],
                          instance_id=instance_id)


def queue_messages(session: Session, kind: str, messages: list[Message], *,
                   instance_id: int | None = None) -> int:
    """``queue_mail`` for several messages of one kind, reading their recipients at once (the
    new tasks of one step: a vote per member)."""
    choice = CHOICE_OF[kind]
    lists = [sorted(set(m.usernames)) for m in messages]
    wanted = sorted({u for names in lists for u in names})
    if not wanted:
        return 0
    recipients = {row[0]: row for row in session.execute(
        select(User.username, User.email, User.language, User.digest_hour,
               MailPreference.delivery)
        .outerjoin(MailPreference, (MailPreference.user_id == User.id)
                   & (MailPreference.kind == choice))
        .where(User.username.in_(wanted), User.is_active.is_(True))).all()}
    written = 0
    at = now()
    for message, names in zip(messages, lists, strict=True):
        for username in names:
            if username not in recipients:
                continue
            _username, address, language, hour, delivery = recipients[username]
            if not address or (delivery == "off" and choice not in ALWAYS_SENT):
                continue
            held = delivery == "digest"
            mail = OutgoingMail(
                kind=kind, username=username, address=address, language=language or "nl",
                data=message.data, instance_id=instance_id,
                status="held" if held else "queued",
                send_after=next_digest(hour, at) if held else at, attempts=0,
                message_id=f"<{uuid.uuid4().hex}@{MESSAGE_DOMAIN}>")
            if message.task is not None:
                mail.task = message.task  # its id is known once the step is written
            session.add(mail)
            written += 1
    return written
