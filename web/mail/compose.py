"""A message from the outbox as it goes out: in the recipient's language, saying what is
asked and by when, with a link; a meeting's invitation carries the meeting as an attachment.

Nothing of a case's content goes in beyond its title (MTG-8, REF-9): mail leaves the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from flask import Flask
from flask_babel import force_locale, format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engine.mail_queue import Claimed
from engine.outreach_models import CalendarEvent

from . import ical

MEETING_KINDS = {"invitation": "REQUEST", "meeting_moved": "REQUEST",
                 "meeting_cancelled": "CANCEL"}


@dataclass(frozen=True)
class Text:
    subject: str
    lines: list[str]
    link: str | None


def compose(app: Flask, session: Session, mail: Claimed) -> EmailMessage:
    base = app.config["BASE_URL"].rstrip("/")
    with force_locale(mail.language):
        if mail.kind == "digest":
            text = _digest(base, mail.data["items"])
        else:
            text = describe(base, mail.kind, mail.data, mail.task_id, mail.instance_id)
        settings = base + "/instellingen"
        footer = [_("You get this mail from govflow. Choose what you receive, and how: %(link)s",
                    link=settings)]
    message = EmailMessage()
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = mail.address
    message["Subject"] = " ".join(text.subject.split())  # a title's line break ends no header
    message["Message-ID"] = mail.message_id
    message["Date"] = formatdate(localtime=False)
    message["Auto-Submitted"] = "auto-generated"
    body = text.lines + ([text.link] if text.link else []) + ["", "-- ", *footer]
    message.set_content("\n".join(body) + "\n")
    method = MEETING_KINDS.get(mail.kind)
    if method:
        event = session.get(CalendarEvent, mail.data["event"])
        if event is not None:
            message.add_attachment(_invitation(event, method, app.config["MAIL_FROM"],
                                               mail.address, text.link or base),
                                   maintype="text", subtype="calendar",
                                   params={"method": method}, filename="uitnodiging.ics")
    return message


def _invitation(event: CalendarEvent, method: str, organizer: str, attendee: str,
                link: str) -> bytes:
    cal = ical.calendar(method=method)
    cal.add_component(ical.meeting_event(event, link, organizer=_address(organizer),
                                         attendees=[attendee]))
    return ical.finish(cal)


def _address(header: str) -> str:
    """The address of a From header such as ``govflow <noreply@example.org>``."""
    return header.rsplit("<", 1)[-1].rstrip(">").strip()


def describe(base: str, kind: str, data: dict[str, Any], task_id: int | None,
             instance_id: int | None) -> Text:
    """What one message says, in the current language."""
    title = data.get("title") or _("a process in govflow")
    task_link = f"{base}/tasks/{task_id}" if task_id else f"{base}/tasks"
    if kind == "task":
        return Text(_("New task: %(task)s", task=data.get("task")),
                    [_("You have a new task in govflow: “%(task)s”, for “%(title)s”.",
                       task=data.get("task"), title=title), *_due(data)], task_link)
    if kind == "reminder":
        return Text(_("Reminder: %(task)s", task=data.get("task") or title),
                    [_("A reminder of your task “%(task)s”, for “%(title)s”.",
                       task=data.get("task") or title, title=title), *_due(data)], task_link)
    if kind in ("escalation", "frequency"):
        return Text(_("Escalation: %(title)s", title=title),
                    [_("Work that concerns you has not been done in time: “%(title)s”. "
                       "Read the notice in govflow:", title=title)], f"{base}/tasks")
    if kind == "decision":
        return Text(_("Decisions reported: %(title)s", title=title),
                    [_("A body has reported decisions to yours in writing (“%(title)s”). "
                       "Read them in govflow:", title=title)], f"{base}/tasks")
    return _meeting(base, kind, data, instance_id)


def _meeting(base: str, kind: str, data: dict[str, Any], instance_id: int | None) -> Text:
    title = data.get("title") or ""
    when = _when(data.get("starts"))
    where = data.get("location") or ""
    papers = f"{base}/zaken/{instance_id}/stukken" if instance_id else f"{base}/tasks"
    if kind == "invitation":
        return Text(_("Invitation: %(meeting)s, %(when)s", meeting=title, when=when),
                    [_("You are invited to the %(meeting)s on %(when)s in %(place)s.",
                       meeting=title, when=when, place=where),
                     _("The meeting is attached: add it to your calendar.")], papers)
    if kind == "meeting_moved":
        return Text(_("Changed: %(meeting)s, now %(when)s", meeting=title, when=when),
                    [_("The %(meeting)s has moved: it is now on %(when)s in %(place)s.",
                       meeting=title, when=when, place=where),
                     _("The changed meeting is attached.")], papers)
    if kind == "meeting_cancelled":
        return Text(_("Cancelled: %(meeting)s, %(when)s", meeting=title, when=when),
                    [_("The %(meeting)s of %(when)s will not take place.", meeting=title,
                       when=when)], None)
    if kind == "papers":
        return Text(_("Agenda and papers: %(meeting)s, %(when)s", meeting=title, when=when),
                    [_("The agenda and the papers of the %(meeting)s on %(when)s are ready. "
                       "Read them in govflow:", meeting=title, when=when)], papers)
    raise ValueError(f"no text for mail of kind {kind!r}")


def _digest(base: str, items: list[dict[str, Any]]) -> Text:
    lines = [ngettext("Your govflow message of the past day:",
                      "Your %(num)d govflow messages of the past day:", len(items)), ""]
    for item in items:
        text = describe(base, item["kind"], item["data"], item.get("task_id"),
                        item.get("instance_id"))
        lines += [f"- {text.subject}"] + ([f"  {text.link}"] if text.link else [])
    return Text(ngettext("govflow: %(num)d message", "govflow: %(num)d messages", len(items)),
                lines, None)


def _due(data: dict[str, Any]) -> list[str]:
    if not data.get("due"):
        return []
    return [_("Please complete it by %(day)s.",
              day=format_date(datetime.fromisoformat(data["due"]), "full"))]


def _when(iso: str | None) -> str:
    return format_datetime(datetime.fromisoformat(iso), "EEEE d MMMM y, HH:mm") if iso else ""
