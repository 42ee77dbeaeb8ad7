"""The manager actions of the instance page: cancel with a reason, hand a task to another holder
of its role, retry a failed instance. Each calls one engine command; a refusal comes back as
a message in words on the instance's page, never as a server error. Whether the user may see
the instance is checked first without opening its workflow (the command opens it)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine import manager_actions
from engine.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.holders import role_holders
from engine.instance_view import visible_instance
from engine.instances import cancel_instance
from engine.models import HumanTask, ProcessInstance
from engine.runtime import StepFailed

from ..database import get_db
from ..processes.problem_text import in_words
from . import bp
from .access import require_oversight
from .instance import refused_in_status

MAX_REASON = 2000


def _visible(instance_id: int) -> ProcessInstance:
    """The instance the signed-in user acts on; 403 or 404 as on its page."""
    oversight = require_oversight()
    with get_db().reading() as session, refused_in_status():
        return visible_instance(session, instance_id, oversight)


def _open_task(instance: ProcessInstance, task_id: int) -> tuple[HumanTask, dict[str, str]] | None:
    """The instance's open task, and who else holds its role for the instance's body."""
    with get_db().reading() as session:
        task = session.get(HumanTask, task_id)
        if task is None or task.instance_id != instance.id or task.state != "open":
            return None
        holders = {} if task.personal or not task.role else role_holders(
            session, {task.role}, instance.scope)
        return task, {p.username: p.name for p in holders.get(task.role or "", [])
                      if p.username != task.assignee}


def _back(instance_id: int) -> ResponseReturnValue:
    return redirect(url_for("oversight.instance", instance_id=instance_id), 303)


def _reason() -> str:
    return (request.form.get("reden") or "").strip()


@bp.post("/overzicht/zaken/<int:instance_id>/annuleren")
@login_required
def cancel(instance_id: int) -> ResponseReturnValue:
    instance = _visible(instance_id)
    reason = _reason()
    if not reason:
        flash(_("Not cancelled: give the reason for cancelling; it is kept in the audit "
                "trail."), "error")
    elif len(reason) > MAX_REASON:
        flash(_("Not cancelled: the reason has at most %(num)d characters.", num=MAX_REASON),
              "error")
    else:
        try:
            cancel_instance(get_db(), instance_id, current_user.username, reason)
        except NotAllowed:
            flash(_("Not cancelled: you may not cancel this cycle."), "error")
        except Conflict:
            flash(_("Not cancelled: “%(title)s” has already ended.",
                    title=instance.title), "error")
        except InvalidInput:
            flash(_("Not cancelled: give the reason for cancelling; it is kept in the audit "
                    "trail."), "error")
        else:
            flash(_("“%(title)s” is cancelled; its open tasks are withdrawn.",
                    title=instance.title), "success")
    return _back(instance_id)


@bp.post("/overzicht/zaken/<int:instance_id>/taken/<int:task_id>/overdragen")
@login_required
def hand_over(instance_id: int, task_id: int) -> ResponseReturnValue:
    found = _open_task(_visible(instance_id), task_id)
    if found is None:
        flash(_("This task is no longer open; nothing was handed over."), "error")
        return _back(instance_id)
    task, people = found
    to = (request.form.get("aan") or "").strip()
    if not to:
        flash(_("Not handed over: choose the person who takes over “%(task)s”.",
                task=task.name), "error")
        return _back(instance_id)
    try:
        manager_actions.hand_over_task(get_db(), task_id, to, current_user.username,
                                       _reason() or None)
    except (NotAllowed, InvalidInput):
        if to in people:
            flash(_("Not handed over: %(who)s did an earlier step of this case that must be "
                    "done by someone else (four eyes).", who=people[to]), "error")
        else:
            flash(_("Not handed over: that person does not hold the role “%(role)s” today.",
                    role=task.role or ""), "error")
    except (Conflict, NotFound):
        flash(_("Not handed over: “%(task)s” changed meanwhile (completed, or already with "
                "that person).", task=task.name), "error")
    else:
        flash(_("“%(task)s” is now with %(who)s; it is in their inbox.",
                task=task.name, who=people.get(to, to)), "success")
    return _back(instance_id)


@bp.post("/overzicht/zaken/<int:instance_id>/opnieuw")
@login_required
def retry(instance_id: int) -> ResponseReturnValue:
    _visible(instance_id)
    try:
        instance = manager_actions.retry_instance(get_db(), instance_id, current_user.username)
    except NotAllowed:
        flash(_("Not retried: you may not retry this cycle."), "error")
    except Conflict:
        flash(_("Not retried: this cycle has not stopped with an error."), "error")
    except StepFailed as err:
        flash(_("The step failed again: %(error)s", error=in_words(err.message)), "error")
    else:
        if instance.status == "failed":
            flash(_("The step failed again; see the error below."), "error")
        else:
            flash(_("The failed step ran again; the cycle goes on."), "success")
    return _back(instance_id)
