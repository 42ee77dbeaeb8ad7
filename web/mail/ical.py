"""Meetings and due dates as iCalendar (RFC 5545), for the feed and the invitations (RFC 5546).

Meetings are in Europe/Amsterdam with its VTIMEZONE, so that every calendar shows the Dutch
time whatever its own zone; a due date is an all-day event on its Dutch day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from engine.clock import LOCAL_ZONE, now
from engine.outreach_models import CalendarEvent

PRODUCT = "-//govflow//govflow//NL"


def calendar(name: str | None = None, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/Amsterdam")
    return cal


def meeting_event(event: CalendarEvent, link: str, *, organizer: str | None = None,
                  attendees: Iterable[str] = ()) -> Event:
    """A meeting: it keeps its uid when it moves, its sequence counts the changes."""
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", now())
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    vevent.add("location", event.location)
    vevent.add("dtstart", event.starts_at.astimezone(LOCAL_ZONE))
    vevent.add("dtend", event.ends_at.astimezone(LOCAL_ZONE))
    vevent.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    vevent.add("url", link)
    if organizer:
        vevent.add("organizer", f"mailto:{organizer}")
    for address in attendees:
        vevent.add("attendee", f"mailto:{address}",
                   parameters={"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
                               "RSVP": "FALSE"})
    return vevent


def due_event(uid: str, summary: str, due_at: datetime, link: str) -> Event:
    """A task's due date, all day on the Dutch day it falls on."""
    day: date = due_at.astimezone(LOCAL_ZONE).date()
    vevent = Event()
    vevent.add("uid", uid)
    vevent.add("dtstamp", now())
    vevent.add("summary", summary)
    vevent.add("dtstart", day)
    vevent.add("dtend", day + timedelta(days=1))
    vevent.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    vevent.add("url", link)
    return vevent


def finish(cal: Calendar) -> bytes:
    """The calendar as bytes, with a VTIMEZONE for every zone its events use."""
    cal.add_missing_timezones()
    return cal.to_ical()
