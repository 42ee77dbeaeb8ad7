"""``/overzicht/zaken/<id>``: one instance for those who oversee it — its diagram with the path
it took and the state of each element, its audit trail, open tasks, data and version, and the
manager actions (``instance_actions``). 403 for whoever oversees nothing and for an instance
they may not see (MTG-8: another body's meeting); 404 for no instance."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import login_required

from engine.errors import NotAllowed, NotFound
from engine.instance_view import FAILED, Event, InstanceView, OpenTask, instance_view
from engine.workflow_path import ACTIVE, CANCELLED, DONE, WAITING, ElementRun

from ..database import get_db
from ..i18n import current_language
from ..inbox.display import answer
from ..processes.problem_text import in_words
from . import bp
from .access import require_oversight
from .overview import status_words

# The order of the states in the legend and in the list in words.
STATES = (ACTIVE, WAITING, FAILED, DONE, CANCELLED)


def state_words() -> dict[str, str]:
    """Each state's name, with its colour and its second cue (line style and badge)."""
    return {ACTIVE: _("Active: waits for a person (blue, thick line, ▶)"),
            WAITING: _("Waits for a timer (orange, dashed line, ◷)"),
            FAILED: _("Stopped with an error (red, double line, ✕)"),
            DONE: _("Done (green, ✓)"),
            CANCELLED: _("Cancelled (grey, dotted line, ⊘)")}


def short_state(state: str) -> str:
    return {ACTIVE: _("active"), WAITING: _("waiting for a timer"), FAILED: _("error"),
            DONE: _("done"), CANCELLED: _("cancelled")}.get(state, state)


def load_view(instance_id: int) -> InstanceView:
    """The instance's page for the signed-in user; 403 or 404 as the module says."""
    oversight = require_oversight()
    with get_db().reading() as session, refused_in_status():
        return instance_view(session, instance_id, oversight)


@contextmanager
def refused_in_status() -> Iterator[None]:
    """An instance the user may not see is a 403, one that does not exist a 404."""
    try:
        yield
    except NotAllowed:
        abort(403)
    except NotFound:
        abort(404)


@bp.get("/overzicht/zaken/<int:instance_id>")
@login_required
def instance(instance_id: int) -> ResponseReturnValue:
    view = load_view(instance_id)
    notes = {element: element_note(view, element, run) for element, run in view.path.items()}
    data = {"xml": view.xml, "language": current_language(),
            "path": {element: {"state": run.state, "count": run.count,
                               "title": f"{short_state(run.state)}: {notes[element]}"
                               if notes[element] else short_state(run.state)}
                     for element, run in view.path.items()}}
    # In the order the tree holds them, which is the order they were reached; an element
    # without a name (a gateway that only joins or splits) says nothing in words.
    ordered = [(element, run) for element, run in view.path.items()
               if run.name or run.state == FAILED]
    words = state_words()
    return render_template("oversight/instance.html", view=view, data=data, path=ordered,
                           notes=notes, short_state=short_state, statuses=status_words(),
                           legend=[(state, words[state]) for state in STATES])


def element_note(view: InstanceView, element: str, run: ElementRun) -> str:
    """What a person needs to know of an element beyond its state: who has it and by when,
    when its timer fires, what the error is."""
    if run.state == FAILED:
        return in_words(view.instance.error or "")
    if run.state == WAITING and run.timer_due is not None:
        return _("fires at %(when)s", when=format_datetime(run.timer_due, "medium"))
    if run.state == ACTIVE:
        return "; ".join(_who_and_when(open_task) for open_task in view.tasks
                         if open_task.task.element_id == element)
    return ""


def _who_and_when(open_task: OpenTask) -> str:
    task = open_task.task
    who: Any = open_task.assignee_name or task.assignee or task.role or _("nobody")
    if task.due_at is None:
        return str(who)
    return _("%(who)s, due %(when)s", who=who, when=format_datetime(task.due_at, "medium"))


@bp.app_template_filter("answer_text")
def answer_text(value: Any) -> str:
    """A value entered or kept, in the user's language, on one line; a number below 10,000
    (a year) without a thousands separator, as Dutch writes it."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10_000:
        return str(value)
    shown = answer(value)
    return ", ".join(shown) if isinstance(shown, list) else shown


@bp.app_template_filter("instance_event")
def event_text(event: Event) -> str:
    """One sentence for one event of the instance's audit trail."""
    who, details = event.actor or _("The system"), event.details
    texts = {
        "instance_started": lambda: _("%(who)s started the cycle.", who=who),
        "task_completed": lambda: _("%(who)s completed “%(task)s”.", who=who,
                                    task=event.task or ""),
        "task_claimed": lambda: _("%(who)s claimed “%(task)s”.", who=who, task=event.task or ""),
        "task_unclaimed": lambda: _("%(who)s gave “%(task)s” back to the role.", who=who,
                                    task=event.task or ""),
        "task_handed_over": lambda: _("%(who)s handed “%(task)s” over to %(to)s.", who=who,
                                      task=event.task or "", to=details.get("to") or "")
        + (" " + _("Reason: %(reason)s", reason=details["reason"])
           if details.get("reason") else ""),
        "timer_fired": lambda: _("The timer “%(name)s” fired.",
                                 name=details.get("name") or details.get("element") or ""),
        "instance_failed": lambda: _("The process stopped with an error: %(error)s",
                                     error=in_words(str(details.get("error", "")))),
        "instance_retried": lambda: _("%(who)s ran the failed step again.", who=who),
        "instance_cancelled": lambda: _("%(who)s cancelled the cycle.", who=who)
        + (" " + _("Reason: %(reason)s", reason=details["reason"])
           if details.get("reason") else ""),
        "reminder_sent": lambda: _("Reminder to %(to)s: %(message)s", to=details.get("to", ""),
                                   message=details.get("message", "")),
        "escalation_sent": lambda: _("Escalation to %(to)s: %(message)s",
                                     to=details.get("to", ""),
                                     message=details.get("message", "")),
    }
    text = texts.get(event.kind)
    return text() if text else _("%(who)s: %(what)s", who=who, what=event.kind.replace("_", " "))


from . import instance_actions  # noqa: E402, F401 (its routes use load_view)
