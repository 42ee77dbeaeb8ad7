"""The overview's query: pages by keyset per process, counts for the filter, the open tasks of
a page in one query, and never a serialized workflow read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import time_machine
from sqlalchemy import event

from engine import deploy, instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.oversight import Oversight
from engine.overview import OverviewFilter, all_cycles, overview

from ..conftest import BPMN, make_user, reads_state

JANUARY = datetime(2027, 1, 11, 9, 0, tzinfo=LOCAL_ZONE)
NETWORK = Oversight(network=True)


def _cycles(db: Database, count: int) -> None:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    make_user(db, "mia", "Manager ZVH")
    for number in range(count):
        with time_machine.travel(JANUARY + timedelta(days=number), tick=False):
            instances.start_instance(db, "budget_cycle", title=f"Begroting {number}",
                                     actor="mia", data={"jaar": 2028, "document": "begroting"})


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_pages_by_keyset_newest_first_without_reading_workflows(db: Database) -> None:
    with time_machine.travel(JANUARY, tick=False):
        _cycles(db, 5)
    wanted = OverviewFilter(year=2027)
    titles, after = [], None
    with db.reading() as session, statements(db) as seen:
        for _ in range(3):
            page = overview(session, NETWORK, wanted, after, limit=2, at=JANUARY)
            titles += [cycle.title for cycle in page.cycles]
            assert all(cycle.open_tasks for cycle in page.cycles)
            after = page.next
        assert page.next is None
        assert sum(page.counts.values()) == 5 and page.late == 0, page.counts
    assert titles == [f"Begroting {n}" for n in (4, 3, 2, 1, 0)]
    assert not any(reads_state(statement) for statement in seen)
    selects = [statement for statement in seen if statement.lstrip().startswith("SELECT")]
    assert len(selects) == 3 * 4  # per page: the cycles, their open tasks, two counts


def test_every_cycle_for_the_csv_and_a_mangled_keyset_gives_no_rows(db: Database) -> None:
    with time_machine.travel(JANUARY, tick=False):
        _cycles(db, 3)
    with db.reading() as session:
        wanted = OverviewFilter(year=2027)
        assert len(list(all_cycles(session, NETWORK, wanted, JANUARY, batch=2))) == 3
        assert overview(session, NETWORK, wanted, "not|a|keyset", at=JANUARY).cycles == []
        assert overview(session, Oversight(), wanted, at=JANUARY).cycles == []  # sees nothing
