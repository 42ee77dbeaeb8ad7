"""What a meeting sends: the invitation (and a changed one when it moves), word that the
papers are ready, and the decisions reported to the higher body (MTG-7).

Service operators of meeting.bpmn. The calendar and the outbox are the engine's; this module
knows what a meeting is: a body, a date and a time, a place, members and guests.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from engine.calendar_events import Meeting, invitees, meeting_of, plan_meeting
from engine.clock import LOCAL_ZONE
from engine.notifications import notify
from engine.outbox import queue_mail
from engine.runtime import current_instance_id, current_step

from .bodies import body_name
from .catalogue import MEMBER

DEFAULT_START = "09:00"
# A meeting takes two hours in the calendar; nothing in the governance says how long.
LENGTH = timedelta(hours=2)


def invite_to_meeting(orgaan: str, datum: str, aanvang: str, plaats: str, leden: list[str],
                      gasten: list[str] | None = None) -> dict[str, Any]:
    """Put the meeting in its invitees' calendars and mail them the invitation; when it was
    planned before and its time or place changed, mail the changed invitation."""
    session, actor = current_step()
    instance_id = _instance()
    starts = datetime.combine(date.fromisoformat(datum), time.fromisoformat(aanvang or
                                                                            DEFAULT_START),
                              LOCAL_ZONE)
    meeting = Meeting(f"Vergadering {body_name(orgaan)}", starts, starts + LENGTH, plaats,
                      orgaan, list(leden), list(gasten or []))
    event, change = plan_meeting(session, instance_id, meeting, actor)
    if change != "unchanged":
        queue_mail(session, "invitation" if change == "planned" else "meeting_moved",
                   invitees(session, event.id), _about(event.id, meeting),
                   instance_id=instance_id)
    return {"afspraak": event.uid, "wijziging": change}


def announce_papers() -> dict[str, int]:
    """Tell the invitees that the agenda and papers are ready to read (not the papers)."""
    session, _actor = current_step()
    instance_id = _instance()
    event = meeting_of(session, instance_id)
    if event is None:
        raise ValueError("the papers go to the invitees of a planned meeting; plan it first")
    people = invitees(session, event.id)
    queue_mail(session, "papers", people,
               {"title": event.title, "starts": event.starts_at.isoformat(),
                "event": event.id}, instance_id=instance_id)
    return {"gemeld": len(people)}


def report_decisions(aan: str, samenvatting: str) -> dict[str, str]:
    """MTG-7: the members of the higher body read the summary in govflow; their mail names
    only the meeting, as mail leaves the network."""
    session, _actor = current_step()
    instance_id = _instance()
    event = meeting_of(session, instance_id)
    about = event.title if event is not None else "een vergadering"
    notify(session, "decision", f"{about}: {samenvatting}", role=MEMBER, scope=aan,
           instance_id=instance_id)
    return {"gemeld_aan": body_name(aan)}


def _instance() -> int:
    instance_id = current_instance_id()
    if instance_id is None:
        raise RuntimeError("a meeting's mail needs the instance it is about")
    return instance_id


def _about(event_id: int, meeting: Meeting) -> dict[str, Any]:
    return {"title": meeting.title, "starts": meeting.starts_at.isoformat(),
            "location": meeting.location, "event": event_id}
