"""The steps and notifications of a test run in the words of the request's language."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from engine.test_run_view import Step

from . import bp
from .problem_text import in_words


@bp.app_template_filter("run_step")
def step_text(step: Step) -> str:
    """One sentence for one event of the run's audit trail."""
    details = step.details
    who = step.actor or _("the system")
    if step.kind == "instance_started":
        return _("%(who)s started the test run.", who=who)
    if step.kind == "task_completed":
        return _("%(who)s completed “%(task)s”.", who=who, task=step.task or "")
    if step.kind == "timer_fired":
        return _("The timer “%(name)s” fired.", name=details.get("name") or
                 details.get("element") or "")
    if step.kind in ("reminder_sent", "escalation_sent", "frequency_sent"):
        return _("%(kind)s to %(to)s: %(message)s", kind=notice_kind(step.kind[:-5]),
                 to=details.get("to", ""), message=details.get("message", ""))
    if step.kind == "instance_failed":
        return _("The process stopped with an error: %(error)s",
                 error=in_words(str(details.get("error", ""))))
    if step.kind == "instance_cancelled":
        return _("The process was cancelled.")
    if step.kind == "clock_moved":
        return _("%(who)s moved the clock to %(when)s.", who=who,
                 when=_moment(details.get("to")))
    if step.kind == "task_claimed":
        return _("%(who)s claimed “%(task)s”.", who=who, task=step.task or "")
    return _("%(who)s: %(what)s", who=who, what=step.kind.replace("_", " "))


@bp.app_template_filter("notice_kind")
def notice_kind(kind: str) -> str:
    names = {"reminder": _("Reminder"), "escalation": _("Escalation"),
             "frequency": _("Frequency warning")}
    return names.get(kind, kind)


def _moment(value: object) -> str:
    try:
        return format_datetime(datetime.fromisoformat(str(value)), "medium")
    except ValueError:
        return str(value)


@bp.app_template_filter("run_status")
def run_status(status: str) -> str:
    names = {"running": _("Running: a task is open"), "waiting": _("Waiting for a timer"),
             "completed": _("Completed"), "failed": _("Stopped with an error"),
             "cancelled": _("Cancelled")}
    return names.get(status, status)


@bp.app_template_filter("problem_words")
def problem_words(message: str | None) -> str:
    """An engine message (a step that failed) in the words of the process owner."""
    return in_words(message or "")
