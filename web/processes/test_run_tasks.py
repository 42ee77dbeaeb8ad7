"""A task of a test run, done as a person of the run's cast with the task's real form.

The person is chosen on the run's page (``als``); they must be allowed to do the task by the
same rules as in the inbox, and the form is checked as it is there.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from engine import test_run_steps, worklist
from engine.errors import Conflict, EngineError, NotAllowed, NotFound
from engine.forms import FormRejected
from engine.models import User
from engine.runtime import AssigneeRefused, StepFailed
from engine.tasks import SeparationRequired
from engine.test_runs import OpenRun
from engine.worklist import TaskView

from . import bp
from .access import require_process_owner
from .problem_text import in_words
from .test_run_forms import ShownForm, read_form, show_form, shown_again
from .test_runs import opened_run


@bp.route("/processen/<key>/proefrit/<run_id>/taken/<int:task_id>", methods=["GET", "POST"])
@login_required
def test_run_task(key: str, run_id: str, task_id: int) -> ResponseReturnValue:
    require_process_owner()
    person = (request.values.get("als") or "").strip()
    with opened_run(key, run_id) as opened:
        view = _task_as(opened, task_id, person)
        if view is None:
            flash(_("Choose someone who may do this task."), "error")
            return _back(key, run_id)
        if view.task.state != "open":
            flash(_("“%(task)s” is no longer open.", task=view.task.name), "error")
            return _back(key, run_id)
        if request.method == "GET":
            return _page(opened, view, person, show_form(view.schema, view.ui_schema,
                                                         values=view.values))
        return _complete(opened, view, person)


def _complete(opened: OpenRun, view: TaskView, person: str) -> ResponseReturnValue:
    key, run_id = opened.run.key, opened.run.id
    sent = read_form(view.schema)
    if sent.data is None:
        return _page(opened, view, person, shown_again(view.schema, view.ui_schema, sent))
    try:
        done = test_run_steps.complete_as(opened, view.task.id, person, sent.data)
    except FormRejected as err:
        return _page(opened, view, person, shown_again(view.schema, view.ui_schema, sent,
                                                       err.rules))
    except AssigneeRefused as err:
        return _page(opened, view, person, shown_again(view.schema, view.ui_schema, sent,
                                                       {"": ("assignee", err.usernames)}))
    except SeparationRequired as err:
        flash(_("Someone else must do this task, because this person did “%(task)s” in this "
                "case.", task=err.earlier_task), "error")
    except NotAllowed:
        flash(_("This person may not do this task; choose someone else."), "error")
    except Conflict:
        flash(_("This task changed meanwhile; look again."), "error")
    except StepFailed as err:
        flash(_("The process stopped with an error after this step: %(error)s",
                error=in_words(err.message)), "error")
    except (NotFound, EngineError):
        return _page(opened, view, person, shown_again(view.schema, view.ui_schema, sent,
                                                       {"": ("invalid", None)}))
    else:
        flash(_("“%(task)s” is completed as %(name)s.", task=done.name,
                name=_name(opened, person)), "success")
    return _back(key, run_id)


def _task_as(opened: OpenRun, task_id: int, person: str) -> TaskView | None:
    """The task with its form as ``person`` sees it in their inbox; None when they may not."""
    if not person:
        return None
    try:
        with opened.at_its_clock():
            return worklist.task_for(opened.db, task_id, person)
    except NotFound:
        return None


def _page(opened: OpenRun, view: TaskView, person: str, form: ShownForm) -> ResponseReturnValue:
    status = 422 if form.problems else 200
    return render_template("processes/test_run_task.html", run=opened.run, view=view,
                           task=view.task, person=person, person_name=_name(opened, person),
                           form=form), status


def _name(opened: OpenRun, username: str) -> str:
    with opened.db.reading() as session:
        name = session.scalar(select(User.display_name).where(User.username == username))
    return name or username


def _back(key: str, run_id: str) -> ResponseReturnValue:
    return redirect(url_for("processes.test_run", key=key, run_id=run_id), 303)
