"""A test run of a draft (issue 12): the draft runs in a database of its own with the demo
cast and its own clock; the live database is read, never written."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select

from engine import drafts, instances, tasks, test_run_steps, test_runs
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.deploy import deploy
from engine.errors import DeploymentRejected, InvalidInput, NotAllowed, NotFound
from engine.forms import FormRejected
from engine.models import AuditEvent, Base, ProcessDefinition
from engine.notifications import notifications_for
from engine.process_owners import PROCESS_OWNER_ROLE
from engine.test_run_view import run_view
from workflows.test_cast import seed_cast

from ..conftest import BPMN, make_user

MONDAY = datetime(2027, 3, 8, 10, 0, tzinfo=LOCAL_ZONE)
ITEM = {"titel": "Werkproces complexe casuïstiek", "voorstel": "Het werkproces vaststellen.",
        "beslistermijn": "P7D"}
START = {"orgaan": "stuurgroep", "agendapunt": ITEM,
         "aanwezigen": ["voorzitter.stuurgroep", "lid.stuurgroep"], "afwezigen": []}


@pytest.fixture
def live(db: Database) -> Iterator[Database]:
    """The live database on MONDAY: decision and meeting deployed, two owners, and real people
    with the usernames of the demo cast, one of whom has a real vote open."""
    with time_machine.travel(MONDAY, tick=False):
        deploy(db, [BPMN / "decision.bpmn", BPMN / "meeting.bpmn", BPMN / "forms"], "tester")
        make_user(db, "olga", PROCESS_OWNER_ROLE)
        make_user(db, "otto", PROCESS_OWNER_ROLE)
        make_user(db, "lid.stuurgroep", "Lid", scope="stuurgroep")
        make_user(db, "voorzitter.dvo", "Voorzitter", "Lid", scope="dvo")
        instances.start_instance(db, "decision", title="Echt besluit", actor="olga",
                                 data={**START, "aanwezigen": ["lid.stuurgroep"]})
        yield db


def snapshot(db: Database) -> dict[str, Any]:
    """Every table's row count, the newest audit event, and two real people's inbox and
    notifications."""
    with db.reading() as session:
        counts = {t.name: session.scalar(select(func.count()).select_from(t))
                  for t in Base.metadata.sorted_tables}
        last_event = session.scalar(select(func.max(AuditEvent.id)))
        notices = {u: [n.id for n in notifications_for(session, u)]
                   for u in ("lid.stuurgroep", "voorzitter.dvo")}
    inboxes = {u: [(t.id, t.state, t.assignee) for t in tasks.inbox(db, u)]
               for u in ("lid.stuurgroep", "voorzitter.dvo")}
    return {"counts": counts, "last_event": last_event, "notices": notices, "inboxes": inboxes}


def started_run(live: Database, folder: Path, owner: str = "olga") -> test_runs.TestRun:
    run = test_runs.create_run(live, folder, "decision", owner, seed_cast)
    with test_runs.open_run(folder, run.id, owner) as opened:
        test_run_steps.start_run(opened, START)
    return run


def vote(folder: Path, run: test_runs.TestRun, person: str, choice: str) -> None:
    with test_runs.open_run(folder, run.id, run.owner) as opened:
        [task] = [t.task for t in run_view(opened).tasks if t.task.assignee == person]
        test_run_steps.complete_as(opened, task.id, person, {"stemkeuze": choice})


def test_dec5_a_test_run_of_the_decision_draft_escalates_in_its_own_database_only(
        live: Database, tmp_path: Path) -> None:
    """DEC-5: the draft (a renamed vote) runs with the demo cast; past the beslistermijn the
    Voorzitter of the DVO is warned, in the run, while nothing of the live database changes."""
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        xml = (BPMN / "decision.bpmn").read_text().replace('name="Stemmen"',
                                                           'name="Stem uitbrengen"')
        drafts.save_draft(live, "decision", xml, "olga", None)
        before = snapshot(live)
        run = started_run(live, tmp_path)
        vote(tmp_path, run, "lid.stuurgroep", "voor")
        with test_runs.open_run(tmp_path, run.id, "olga") as opened:
            view = run_view(opened)
            assert {t.task.name for t in view.tasks} == {"Stem uitbrengen"}
            assert [p.username for t in view.tasks for p in t.people] == [
                "voorzitter.stuurgroep"]
            assert view.path["stem_uitbrengen"] == "active"
            assert view.path["beslistermijn_verstreken"] == "waiting"
            reminder = test_run_steps.move_clock(opened, None)
            escalation = test_run_steps.move_clock(opened, None)
            view = run_view(opened)
    assert (reminder.fired, escalation.fired) == (1, 1)
    assert escalation.after == MONDAY + timedelta(hours=1, days=7)
    assert [(n.kind, n.to, n.people) for n in view.notifications] == [
        ("reminder", "Voorzitter Stuurgroep", ["Voorzitter Stuurgroep"]),
        ("escalation", "Voorzitter (dvo)", ["Voorzitter DVO"])]
    assert view.path["waarschuwen"] == "done" and view.path["voorleggen"] == "active"
    kinds = [s.kind for s in view.steps]
    assert kinds[:2] == ["instance_started", "task_completed"]
    assert kinds.count("timer_fired") == 2 and kinds.count("clock_moved") == 2
    assert snapshot(live) == before


def test_moving_to_a_date_fires_each_timer_at_its_own_moment(live: Database,
                                                             tmp_path: Path) -> None:
    """The reminder (two days before the term) and the escalation (at the term) fire in order
    on the way to a date after both, each stamped with its own moment."""
    with time_machine.travel(MONDAY, tick=False):
        run = started_run(live, tmp_path)
        vote(tmp_path, run, "lid.stuurgroep", "voor")
        with test_runs.open_run(tmp_path, run.id, "olga") as opened:
            moved = test_run_steps.move_clock(opened, MONDAY + timedelta(days=8))
            view = run_view(opened)
    assert (moved.fired, moved.stopped, moved.after) == (2, False, MONDAY + timedelta(days=8))
    assert [(n.kind, n.at) for n in view.notifications] == [
        ("reminder", MONDAY + timedelta(days=5)), ("escalation", MONDAY + timedelta(days=7))]
    assert view.next_timer is None


def test_the_clock_only_moves_forward_and_to_a_timer_that_waits(live: Database,
                                                                tmp_path: Path) -> None:
    with time_machine.travel(MONDAY, tick=False):
        run = test_runs.create_run(live, tmp_path, "decision", "olga", seed_cast)
        with test_runs.open_run(tmp_path, run.id, "olga") as opened:
            with pytest.raises(test_run_steps.NothingWaiting):
                test_run_steps.move_clock(opened, None)
            with pytest.raises(InvalidInput, match="only moves forward"):
                test_run_steps.move_clock(opened, MONDAY - timedelta(days=1))
            with pytest.raises(FormRejected):
                test_run_steps.start_run(opened, {"orgaan": "stuurgroep"})
            assert opened.run.instance_id is None  # a refused start leaves the run unstarted


def test_a_run_is_its_owners_alone(live: Database, tmp_path: Path) -> None:
    run = test_runs.create_run(live, tmp_path, "decision", "olga", seed_cast)
    with pytest.raises(NotFound), test_runs.open_run(tmp_path, run.id, "otto"):
        pass
    with pytest.raises(NotFound), test_runs.open_run(tmp_path, "../../etc/passwd", "olga"):
        pass
    with pytest.raises(NotAllowed):
        test_runs.create_run(live, tmp_path, "decision", "lid.stuurgroep", seed_cast)
    with pytest.raises(NotFound):
        test_runs.create_run(live, tmp_path, "onbekend", "olga", seed_cast)


def test_runs_are_thrown_away_replaced_on_sign_out_and_when_idle(live: Database,
                                                                 tmp_path: Path) -> None:
    first = test_runs.create_run(live, tmp_path, "decision", "olga", seed_cast)
    second = test_runs.create_run(live, tmp_path, "decision", "olga", seed_cast)
    meeting = test_runs.create_run(live, tmp_path, "meeting", "olga", seed_cast)
    others = test_runs.create_run(live, tmp_path, "decision", "otto", seed_cast)
    assert not (tmp_path / first.id).exists()  # replaced by the owner's next run of it
    assert {r.id for r in test_runs.runs_of(tmp_path, "olga")} == {second.id, meeting.id}
    test_runs.discard_run(tmp_path, meeting.id, "olga")
    assert not (tmp_path / meeting.id).exists()
    assert test_runs.discard_runs_of(tmp_path, "olga") == 1
    assert test_runs.runs_of(tmp_path, "olga") == []
    idle = time.time() - test_runs.MAX_IDLE.total_seconds() - 60
    os.utime(tmp_path / others.id / "run.json", (idle, idle))
    assert test_runs.remove_idle_runs(tmp_path) == 1
    assert test_runs.runs_of(tmp_path, "otto") == []


def test_a_draft_that_does_not_deploy_makes_no_run(live: Database, tmp_path: Path) -> None:
    xml = (BPMN / "decision.bpmn").read_text().replace('<bpmn:timeDuration>"P7D"',
                                                       "<bpmn:timeDuration>elke week")
    drafts.save_draft(live, "decision", xml, "olga", None)
    with pytest.raises(DeploymentRejected) as refused:
        test_runs.create_run(live, tmp_path, "decision", "olga", seed_cast)
    assert refused.value.found
    assert test_runs.runs_of(tmp_path, "olga") == []


def test_a_run_of_meeting_has_the_decision_it_calls(live: Database, tmp_path: Path) -> None:
    """A call activity needs its callee: its latest live version is deployed in the run too,
    and no timer start event of either starts work of its own in the run."""
    run = test_runs.create_run(live, tmp_path, "meeting", "olga", seed_cast)
    with test_runs.open_run(tmp_path, run.id, "olga") as opened:
        with opened.db.reading() as session:
            keys = set(session.scalars(select(ProcessDefinition.key)))
        assert keys == {"meeting", "decision"}
        assert run_view(opened).next_timer is None
