"""Meetings in the calendars of those they invite: planned, moved and cancelled in the step
that decides it, and read by each user's calendar feed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from .clock import now, today
from .models import RoleAssignment, User
from .outbox import queue_mail
from .outreach_models import CalendarEvent, CalendarInvitee

UID_DOMAIN = "govflow.local"


@dataclass(frozen=True)
class Meeting:
    """What a meeting's step says of it."""

    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    scope: str | None
    members: list[str]
    guests: list[str]


def plan_meeting(session: Session, instance_id: int, meeting: Meeting,
                 organizer: str | None) -> tuple[CalendarEvent, str]:
    """Put the instance's meeting in its invitees' calendars, or change it; returns the event
    and what happened: ``planned``, ``moved`` (time or place changed) or ``unchanged``."""
    event = session.scalars(select(CalendarEvent)
                            .where(CalendarEvent.instance_id == instance_id)).first()
    if event is None:
        event = CalendarEvent(instance_id=instance_id, uid=f"meeting-{instance_id}@{UID_DOMAIN}",
                              sequence=0, status="confirmed")
        session.add(event)
        change = "planned"
    elif (event.starts_at, event.ends_at, event.location, event.status) != (
            meeting.starts_at, meeting.ends_at, meeting.location, "confirmed"):
        event.sequence += 1
        change = "moved"
    else:
        change = "unchanged"
    event.title, event.location, event.scope = meeting.title, meeting.location, meeting.scope
    event.starts_at, event.ends_at, event.status = meeting.starts_at, meeting.ends_at, "confirmed"
    event.organizer, event.updated_at = organizer, now()
    session.flush()
    _invite(session, event, meeting.members, meeting.guests)
    return event, change


def _invite(session: Session, event: CalendarEvent, members: Iterable[str],
            guests: Iterable[str]) -> None:
    session.execute(delete(CalendarInvitee).where(CalendarInvitee.event_id == event.id))
    invited = {u: False for u in members} | {u: True for u in guests if u not in members}
    session.add_all(CalendarInvitee(event_id=event.id, username=u, guest=g)
                    for u, g in invited.items())


def meeting_of(session: Session, instance_id: int) -> CalendarEvent | None:
    return session.scalars(select(CalendarEvent)
                           .where(CalendarEvent.instance_id == instance_id)).first()


def invitees(session: Session, event_id: int) -> list[str]:
    return list(session.scalars(select(CalendarInvitee.username)
                                .where(CalendarInvitee.event_id == event_id)
                                .order_by(CalendarInvitee.username)))


def meetings_for(session: Session, username: str, since: datetime) -> list[CalendarEvent]:
    """The meetings from ``since`` on that invite the user or are of a body they belong to
    today, in order of time."""
    day = today()
    bodies = (select(RoleAssignment.scope).join(User)
              .where(User.username == username, RoleAssignment.scope.is_not(None),
                     RoleAssignment.valid_from <= day,
                     or_(RoleAssignment.valid_until.is_(None), RoleAssignment.valid_until >= day)))
    invited = select(CalendarInvitee.event_id).where(CalendarInvitee.username == username)
    return list(session.scalars(
        select(CalendarEvent)
        .where(CalendarEvent.ends_at >= since,
               or_(CalendarEvent.id.in_(invited), CalendarEvent.scope.in_(bodies)))
        .order_by(CalendarEvent.starts_at, CalendarEvent.id)))


def call_off_meeting(session: Session, instance_id: int) -> None:
    """A cancelled instance cancels its meeting (which stays in the feeds, as cancelled), and
    tells those it invited; a meeting that has begun took place, and stays so."""
    event = meeting_of(session, instance_id)
    if event is None or event.status == "cancelled" or event.starts_at <= now():
        return
    event.status, event.sequence, event.updated_at = "cancelled", event.sequence + 1, now()
    queue_mail(session, "meeting_cancelled", invitees(session, event.id),
               {"title": event.title, "starts": event.starts_at.isoformat(),
                "location": event.location, "event": event.id}, instance_id=instance_id)
