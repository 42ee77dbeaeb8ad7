"""``/agenda/<secret>.ics``: a user's meetings and due dates, for Outlook, Google Calendar and
Apple Calendar to subscribe to. The secret in the address is the only key (calendar programs
sign in to nothing); the user can renew it, which ends the old address."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, current_app
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from engine.calendar_events import meetings_for
from engine.clock import now
from engine.mail_settings import owner_of_calendar
from engine.tasks import inbox

from ..database import get_db
from ..mail import ical
from . import bp

# Meetings that ended longer ago than this leave the feed.
PAST = timedelta(days=90)


@bp.get("/agenda/<token>.ics")
def feed(token: str) -> ResponseReturnValue:
    with get_db().reading() as session:
        user = owner_of_calendar(session, token)
        if user is None:
            abort(404)
        meetings = meetings_for(session, user.username, now() - PAST)
        username, language = user.username, user.language
    due = [t for t in inbox(get_db(), username) if t.due_at is not None]
    base = current_app.config["BASE_URL"].rstrip("/")
    with force_locale(language):
        cal = ical.calendar(name=_("govflow: my meetings and deadlines"))
        for event in meetings:
            cal.add_component(ical.meeting_event(event, f"{base}/zaken/{event.instance_id}"
                                                        "/stukken"))
        for task in due:
            cal.add_component(ical.due_event(
                f"task-{task.id}-due@govflow.local",
                _("Due: %(task)s (%(title)s)", task=task.name, title=task.instance.title),
                task.due_at, f"{base}/tasks/{task.id}"))
    response = Response(ical.finish(cal), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="govflow.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
