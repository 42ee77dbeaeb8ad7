"""A test run of a draft in a database of its own: nothing reaches live data.

The process owner makes a run from the process page or from the editor (``new_test_run``),
fills the start form, does the tasks as any person of the run's cast
(``test_run_tasks``), moves the run's clock and sees the path, the steps and the
notifications that would go out. Every page is for process owners only (403), and a run only
for the owner who made it (404). A run is thrown away by its owner, replaced by their next run
of the same process, and gone when they sign out (or after ``MAX_IDLE`` unused).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, user_logged_out

from engine import test_run_steps, test_runs
from engine.clock import LOCAL_ZONE
from engine.errors import DeploymentRejected, InvalidInput, NotAllowed, NotFound
from engine.forms import FormRejected
from engine.settings import INSTANCE_PATH
from engine.test_run_view import run_view, start_form
from engine.test_runs import OpenRun
from workflows.test_cast import seed_cast

from ..database import get_db
from ..i18n import current_language
from . import bp
from .access import may_change_processes, require_process_owner
from .problem_text import in_words
from .test_run_forms import ShownForm, read_form, show_form, shown_again


def run_folder(app: Flask | None = None) -> Path:
    """Where runs live: ``TEST_RUN_FOLDER``, else ``test_runs`` in the instance folder."""
    config = (app or current_app).config
    return Path(config.get("TEST_RUN_FOLDER") or Path(INSTANCE_PATH) / "test_runs")


@user_logged_out.connect
def _forget_runs(sender: Flask, user: Any = None, **_extra: Any) -> None:
    """Signing out ends the owner's runs: a run is gone when its owner leaves."""
    if user is not None and getattr(user, "username", None):
        test_runs.discard_runs_of(run_folder(sender), user.username)


@bp.app_template_global()
def test_runs_of(key: str) -> list[test_runs.TestRun]:
    """The signed-in owner's runs of a process, for the process page's link back to them."""
    if not current_user.is_authenticated:
        return []
    return [r for r in test_runs.runs_of(run_folder(), current_user.username) if r.key == key]


@bp.post("/processen/<key>/proefrit")
@login_required
def new_test_run(key: str) -> ResponseReturnValue:
    """Make a run of the saved draft (else the latest version) and open it. The editor may call
    this with JSON (X-CSRFToken header): 201 {"url"} or 400 {"error", "problems"}."""
    wants_json = request.is_json
    if not may_change_processes():
        return (jsonify(error=_("You may not do this.")), 403) if wants_json else abort(403)
    try:
        run = test_runs.create_run(get_db(), run_folder(), key, current_user.username,
                                   seed_cast)
    except NotFound:
        return (jsonify(error=_("There is no process with this key.")), 404) if wants_json \
            else abort(404)
    except NotAllowed:
        return (jsonify(error=_("You may not do this.")), 403) if wants_json else abort(403)
    except DeploymentRejected as err:
        return _cannot_run(key, err, wants_json)
    url = url_for("processes.test_run", key=key, run_id=run.id)
    return (jsonify(url=url), 201) if wants_json else redirect(url, 303)


def _cannot_run(key: str, err: DeploymentRejected, wants_json: bool) -> ResponseReturnValue:
    problems = [{"element": p.element, "name": p.name, "message": in_words(p.message)}
                for p in err.found] or [{"element": None, "name": None,
                                         "message": in_words(p)} for p in err.problems]
    message = _("The test run cannot start: the draft has problems. Solve them in the editor "
                "first.")
    if wants_json:
        return jsonify(error=message, problems=problems), 400
    return render_template("processes/test_run_refused.html", key=key, message=message,
                           problems=problems), 400


@bp.get("/processen/<key>/proefrit/<run_id>")
@login_required
def test_run(key: str, run_id: str) -> ResponseReturnValue:
    require_process_owner()
    with opened_run(key, run_id) as opened:
        return run_page(opened)


@bp.post("/processen/<key>/proefrit/<run_id>/start")
@login_required
def start_test_run(key: str, run_id: str) -> ResponseReturnValue:
    require_process_owner()
    with opened_run(key, run_id) as opened:
        if opened.run.instance_id is not None:
            return redirect(url_for("processes.test_run", key=key, run_id=run_id), 303)
        start = start_form(opened)
        schema = start.event.schema if start else None
        ui_schema = start.ui_schema if start else {}
        sent = read_form(schema)
        if sent.data is None:
            return run_page(opened, shown_again(schema, ui_schema, sent))
        try:
            instance = test_run_steps.start_run(opened, sent.data)
        except FormRejected as err:
            return run_page(opened, shown_again(schema, ui_schema, sent, err.rules))
        except InvalidInput:
            return run_page(opened, shown_again(schema, ui_schema, sent, {"": ("invalid", None)}))
    if instance.status == "failed":
        flash(_("The process stopped with an error at its start; see below."), "error")
    return redirect(url_for("processes.test_run", key=key, run_id=run_id), 303)


@bp.post("/processen/<key>/proefrit/<run_id>/klok")
@login_required
def move_test_run_clock(key: str, run_id: str) -> ResponseReturnValue:
    """"Naar de volgende timer" (``naar=volgende``), or to a date and time (``datum``,
    ``tijd``); timers that fall due on the way fire in order."""
    require_process_owner()
    with opened_run(key, run_id) as opened:
        to = None
        if request.form.get("naar") != "volgende":
            to = _moment(request.form.get("datum", ""), request.form.get("tijd", ""))
            if to is None:
                return run_page(opened, clock_problem=_(
                    "Enter a date, for example 31-12-2027, and a time such as 09:00."))
        try:
            moved = test_run_steps.move_clock(opened, to)
        except test_run_steps.NothingWaiting:
            flash(_("No timer is waiting in this test run."), "error")
        except InvalidInput:
            return run_page(opened, clock_problem=_(
                "The clock of a test run only moves forward: choose a later moment."))
        else:
            _say_moved(moved)
    return redirect(url_for("processes.test_run", key=key, run_id=run_id), 303)


def _moment(day: str, hour: str) -> datetime | None:
    """A Dutch local moment from a date field (ISO) and a time field (09:00; empty: 00:00)."""
    try:
        at = time.fromisoformat(hour.strip()) if hour.strip() else time(0, 0)
        return datetime.combine(date.fromisoformat(day.strip()), at, tzinfo=LOCAL_ZONE)
    except ValueError:
        return None


def _say_moved(moved: test_run_steps.ClockMoved) -> None:
    if moved.stopped:
        flash(_("The clock stopped at %(when)s after %(count)d timers; move it again to go "
                "on.", when=_local(moved.after), count=moved.fired), "error")
    elif moved.fired:
        flash(_("The clock is at %(when)s. Timers fired: %(count)d.", when=_local(moved.after),
                count=moved.fired), "success")
    else:
        flash(_("The clock is at %(when)s. No timer fell due.", when=_local(moved.after)),
              "success")


def _local(moment: datetime) -> str:
    return format_datetime(moment, "medium")


@bp.post("/processen/<key>/proefrit/<run_id>/opnieuw")
@login_required
def restart_test_run(key: str, run_id: str) -> ResponseReturnValue:
    """A new run of the draft as it is saved now, its start form filled as the last one was."""
    require_process_owner()
    with opened_run(key, run_id) as opened:
        start_data = dict(opened.run.start_data)
    try:  # replaces this run once the new one is made
        run = test_runs.create_run(get_db(), run_folder(), key, current_user.username,
                                   seed_cast, start_data)
    except DeploymentRejected as err:
        return _cannot_run(key, err, False)
    except (NotFound, NotAllowed):
        abort(404)
    flash(_("A new test run has begun; the start form is filled as it was."), "success")
    return redirect(url_for("processes.test_run", key=key, run_id=run.id), 303)


@bp.post("/processen/<key>/proefrit/<run_id>/weggooien")
@login_required
def discard_test_run(key: str, run_id: str) -> ResponseReturnValue:
    require_process_owner()
    with opened_run(key, run_id):
        pass  # the owner's, of this process: else 404
    test_runs.discard_run(run_folder(), run_id, current_user.username)
    flash(_("The test run is thrown away."), "success")
    return redirect(url_for("processes.process", key=key), 303)


@contextmanager
def opened_run(key: str, run_id: str) -> Iterator[OpenRun]:
    """The signed-in owner's run of ``key``; 404 for anything else."""
    entered = False
    try:
        with test_runs.open_run(run_folder(), run_id, current_user.username) as opened:
            entered = True
            if opened.run.key != key:
                abort(404)
            yield opened
    except NotFound:
        if entered:
            raise  # of the page's own work, not of the run
        abort(404)


def run_page(opened: OpenRun, start: ShownForm | None = None,
             clock_problem: str | None = None) -> ResponseReturnValue:
    """The run's page; with a start form or a clock entry to correct, status 422 or 400."""
    view = run_view(opened)
    if view.start is not None and start is None:
        start = show_form(view.start.event.schema, view.start.ui_schema,
                          values=opened.run.start_data)
    data = {"xml": view.xml, "path": view.path, "language": current_language()}
    status = 400 if clock_problem else 422 if start is not None and start.problems else 200
    return render_template("processes/test_run.html", run=opened.run, view=view, start=start,
                           clock_problem=clock_problem, data=data,
                           local_clock=opened.run.clock.astimezone(LOCAL_ZONE)), status


from . import test_run_tasks, test_run_words  # noqa: E402, F401 (routes and filters; they use the above)
