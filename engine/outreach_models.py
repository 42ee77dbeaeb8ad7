"""The tables of what reaches people outside the pages: the mail outbox and each user's
choices for it, the meetings in their calendars, and the papers attached to tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base
from .models import HumanTask, UTCDateTime, utcnow


class MailPreference(Base):
    """How one user wants mail of one kind: at once, in a daily digest, or not at all.
    No row: at once."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(10))  # now, digest, off


class OutgoingMail(Base):
    """One message to one address, written in the transaction of the step that causes it.

    ``data`` holds what the message says (titles, dates, a link), not its text: the sender
    writes it in the recipient's language when it goes out. ``held`` waits for the daily
    digest (``send_after``); a digest is a message of its own that the held ones point to.
    """

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    username: Mapped[str] = mapped_column(String(150), index=True)
    address: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(5))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    # queued, held, sending, sent, failed, digested
    status: Mapped[str] = mapped_column(String(10))
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_mail.id"))
    # The Message-ID header, fixed when queued: a receiver sees a retry as the same message.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)

    task: Mapped[HumanTask | None] = relationship(lazy="raise")

    __table_args__ = (Index("ix_outgoing_mail_status_send_after", "status", "send_after"),)


class CalendarEvent(Base):
    """A meeting in the calendars of those it invites; one per instance that plans one.

    The uid stays when the meeting moves (``sequence`` counts the changes), and a cancelled
    meeting stays, as cancelled, so that calendars that subscribed take it out.
    """

    __tablename__ = "calendar_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    scope: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12))  # confirmed, cancelled
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    organizer: Mapped[str | None] = mapped_column(String(150))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarInvitee(Base):
    __tablename__ = "calendar_invitees"

    event_id: Mapped[int] = mapped_column(ForeignKey("calendar_events.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(150), primary_key=True, index=True)
    guest: Mapped[bool] = mapped_column(default=False)


class StoredFile(Base):
    """A file attached at a task (a meeting's papers, a draft budget, minutes).

    Served only by ``public_id``, a random name, to those who may see the instance. A file
    uploaded again under the same name in the same field of the instance is its next
    ``version``; the earlier ones stay. The content is in ``content`` or, when a folder is
    configured, in a file named by its hash.
    """

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    field: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    uploaded_by: Mapped[str] = mapped_column(String(150))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    __table_args__ = (UniqueConstraint("instance_id", "field", "name", "version"),)
