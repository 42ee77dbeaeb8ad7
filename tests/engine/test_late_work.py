"""Late work's query: the most overdue first by keyset, days late in Dutch dates, the reminders
of a page counted per task, never a serialized workflow read, and who sees what (MTG-8)."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from sqlalchemy import select, update

from engine import deploy, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.late_work import all_late_work, days_late, late_work
from engine.models import HumanTask
from engine.notifications import notify
from engine.oversight import Oversight

from ..conftest import BPMN, make_user, reads_state
from .test_overview import statements

MONDAY = datetime(2027, 3, 8, 9, 0, tzinfo=LOCAL_ZONE)
NETWORK = Oversight(network=True)


def _late_cycles(db: Database, days: list[int]) -> list[int]:
    """A budget cycle per entry, its draft due that many days before Monday; the task ids."""
    with time_machine.travel(MONDAY - timedelta(days=30), tick=False):
        deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
        make_user(db, "mia", "Manager ZVH")
        started = [instances.start_instance(db, "budget_cycle", title=f"Begroting {n}",
                                            actor="mia",
                                            data={"jaar": 2028, "document": "begroting"})
                   for n in days]
    ids = []
    with db.transaction() as session:  # a specific projection state: the deadlines
        for instance, late in zip(started, days, strict=True):
            session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id)
                            .values(due_at=MONDAY - timedelta(days=late)))
            ids.append(session.scalars(select(HumanTask.id).where(
                HumanTask.instance_id == instance.id, HumanTask.state == "open")).one())
    return ids


def test_pages_the_most_overdue_first_with_reminders_and_no_workflow_read(db: Database) -> None:
    ids = _late_cycles(db, [3, 10, 1, 7])
    with db.transaction() as session:
        task = session.get(HumanTask, ids[1])
        for _ in range(2):
            notify(session, "reminder", "Maak de begroting af.", role=task.role,
                   instance_id=task.instance_id, task_id=task.id)
    seen_days, after = [], None
    with db.reading() as session, statements(db) as seen:
        for _ in range(2):
            page = late_work(session, NETWORK, after, limit=2, at=MONDAY)
            seen_days += [(task.days_late, task.reminders) for task in page.tasks]
            assert page.total == 4
            after = page.next
        assert after is None
    assert seen_days == [(10, 2), (7, 0), (3, 0), (1, 0)]
    assert not any(reads_state(statement) for statement in seen)
    with db.reading() as session:
        assert len(list(all_late_work(session, NETWORK, MONDAY, batch=3))) == 4
        assert late_work(session, NETWORK, "no|keyset", at=MONDAY).tasks == []


def test_mtg8_a_body_sees_no_late_work_of_the_network(db: Database) -> None:
    """MTG-8: a secretary of the Regiekamer sees none of the network's late budget work, and
    a participant nothing at all."""
    _late_cycles(db, [5])
    with db.reading() as session:
        assert late_work(session, Oversight(bodies=frozenset({"regiekamer"})),
                         at=MONDAY).tasks == []
        assert late_work(session, Oversight(), at=MONDAY).total == 0
        assert late_work(session, NETWORK, at=MONDAY).total == 1


def test_days_late_counts_dutch_calendar_days() -> None:
    """Due late on Sunday evening, Amsterdam time: Monday morning is one day late."""
    sunday_evening = datetime(2027, 3, 7, 23, 30, tzinfo=LOCAL_ZONE)
    assert days_late(sunday_evening, MONDAY) == 1
    assert days_late(MONDAY - timedelta(hours=1), MONDAY) == 0
