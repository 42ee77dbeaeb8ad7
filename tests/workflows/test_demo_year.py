"""The demo year of `make run` (workflows/demo_year.py, `govflow demo`): every catalogue process
at work through the engine commands, something late, something failed, a body on track and
one short; only ever in a new database of the instance folder, and only once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import AuditEvent, HumanTask, ProcessInstance, User
from web import cli_demo
from web.cli import main
from workflows.compliance import frequency_report
from workflows.demo_year import refusal, seed_demo_year

from ..conftest import BPMN, make_user

# A short year keeps the test fast: the end of March (Stamtafel held once, Regiekamer's
# first meeting called off, the budget cycle's annual report done).
UNTIL = datetime(2027, 3, 31, 12, 0, tzinfo=LOCAL_ZONE)
CATALOGUE = {path.stem for path in BPMN.glob("*.bpmn")}


def _rows(db: Database, model: type) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def _seed(db: Database):
    with time_machine.travel(UNTIL, tick=False):
        return seed_demo_year(db, BPMN, "welkom-demo", until=UNTIL)


def test_a_demo_year_shows_every_process_late_work_a_failure_and_frequencies(db) -> None:
    """MTG-1, MTG-2: the Stamtafel is on track, the Regiekamer (a meeting called off) falls
    short and its secretary has the task; decisions completed (DEC-1); a task past its due
    date; a failed instance with its reason; a second run changes nothing."""
    year = _seed(db)
    assert year is not None and year.first_day.isoformat() == "2027-01-01"
    assert {key for key, _status in year.counts} == CATALOGUE
    assert year.counts[("decision", "completed")] >= 3
    with db.reading() as session:
        late = session.scalars(select(HumanTask).where(
            HumanTask.state == "open", HumanTask.due_at < UNTIL)).all()
        failed = session.scalars(select(ProcessInstance).where(
            ProcessInstance.status == "failed")).all()
        alert = session.scalars(select(HumanTask).where(
            HumanTask.state == "open", HumanTask.element_id == "extra_vergadering_kiezen")).all()
    assert [(t.name, t.instance.scope) for t in late] == [
        ("Agenda en stukken versturen", "stuurgroep")]
    assert [(i.process_key, i.title) for i in failed] == [
        ("member_admission", "Toetreding Reclassering")]
    assert "already a partner" in failed[0].error
    assert [t.instance.scope for t in alert] == ["regiekamer"]
    report = {row.body: row for row in frequency_report(db, 2027)}
    assert report["stamtafel"].held >= 1 and report["stamtafel"].reachable
    assert not report["regiekamer"].reachable and report["regiekamer"].shortfall == 1

    counts = (_rows(db, ProcessInstance), _rows(db, HumanTask), _rows(db, AuditEvent))
    assert refusal(db) == "the demo year is there already"
    assert _seed(db) is None
    assert (_rows(db, ProcessInstance), _rows(db, HumanTask), _rows(db, AuditEvent)) == counts


def test_a_database_in_use_gets_no_demo_year(db) -> None:
    """A database that holds anything (users, here) is refused and left as it is."""
    make_user(db, "mia", "Manager ZVH")
    before = (_rows(db, User), _rows(db, AuditEvent))
    assert "holds users already" in refusal(db)
    assert _seed(db) is None
    assert (_rows(db, User), _rows(db, AuditEvent)) == before
    assert _rows(db, ProcessInstance) == 0


def test_the_command_never_touches_a_database_that_database_url_names(cli) -> None:
    shown = cli("demo")
    assert shown.exit_code == 0, shown.output
    assert "DATABASE_URL names a database of its own" in shown.output
    assert "no demo year" in shown.output


def test_the_command_refuses_its_own_database_once_it_is_in_use(
        sqlite_app, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The instance folder's database, once it holds users, is refused too."""
    db = sqlite_db
    monkeypatch.setattr(cli_demo, "INSTANCE_PATH", Path(db.url.removeprefix("sqlite:///")).parent)
    assert cli_demo.own_database(db.url)
    make_user(db, "mia", "Manager ZVH")
    shown = sqlite_app.test_cli_runner().invoke(main, ["demo"])
    assert shown.exit_code == 0, shown.output
    assert "no demo year: the database holds users already" in shown.output
    assert _rows(db, ProcessInstance) == 0
