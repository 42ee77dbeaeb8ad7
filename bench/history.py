"""What a step costs deep in an instance's history, and whether its task page stays flat.

One instance of two_lanes goes round its revise loop: turn k is the draft by the Manager ZVH
(``Begroting opstellen``, its form filled in) and the review by a Portefeuillehouder ZVH
(``Begroting bespreken``, ``akkoord`` false, so the draft opens again), 200 turns (and half a
window more). At turns 1, 50, 100 and 200 it reports:

- ``complete_task``: the median of the draft's and of the review's completion over the window
  of turns around it (wall clock and CPU time: this process, plus the PostgreSQL server
  processes serving it when the server runs on this machine); the reported turn's own draft
  completion is counted (below), not timed;
- the saved state: its bytes in the database (the ``*_json`` columns of the instance's row,
  and its rows in ``instance_task_states`` where that table exists), and the bytes that turn's
  draft completion read from the database (result rows) and sent to it (parameters);
- the task page of the open draft, ``GET /tasks/<id>`` through the app (Flask test client,
  the manager signed in): the median time of a view and the bytes one view reads from the
  database.

Values count at their length in UTF-8 (text), their length (binary), 8 bytes (numbers) or the
length of their text (dates and the rest); NULL counts nothing.

Goal (issue 15): turn 200 <= 1.2 × turn 1; the task page flat.

Run from the project root:
``.venv/bin/python bench/history.py [--turns 200] [--window 11] [--postgres [URL]]``.
SQLite (a temporary file) always; ``--postgres`` adds a fresh database on that server
(default 127.0.0.1:5432, postgres), dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from dashboard import signed_in
from engine_overhead import (
    REVIEW_NAME,
    TASK_NAME,
    USER,
    Clock,
    Times,
    database,
    draft,
    open_task,
    prepare,
    review,
    send_back,
    start,
    state_bytes,
)
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from timers import SERVER

from engine.db import Database
from web import create_app
from web.database import get_db

GOAL = 1.2
WARMUP_TURNS = 5


def _size(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, bool | int | float):
        return 8
    if isinstance(value, dict | list | tuple):
        return len(json.dumps(value, default=str).encode())
    return len(str(value).encode())


class _Fetched:
    """A DBAPI cursor whose rows were read already (to be counted), handed out again."""

    def __init__(self, cursor: Any, rows: list[Any]) -> None:
        self._cursor, self._rows = cursor, rows

    def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self._cursor.arraysize
        taken, self._rows = self._rows[:size], self._rows[size:]
        return taken

    def fetchall(self) -> list[Any]:
        taken, self._rows = self._rows, []
        return taken

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


class Traffic:
    """While active, the bytes of every engine's statements: the result rows read back, the
    parameters sent, and the number of statements. Reading the rows first costs time: count
    apart from what is timed."""

    def __init__(self) -> None:
        self.read = self.sent = self.statements = 0

    def _before(self, _conn: Any, _cursor: Any, _statement: str, parameters: Any,
                _context: Any, executemany: bool) -> None:
        self.statements += 1
        many = executemany and parameters and isinstance(parameters[0], list | tuple | dict)
        for row in parameters if many else [parameters]:  # a many-row insert's batch is one
            values = row.values() if isinstance(row, dict) else row or ()
            self.sent += sum(_size(v) for v in values)

    def _after(self, _conn: Any, cursor: Any, _statement: str, _parameters: Any,
               context: Any, executemany: bool) -> None:
        # A many-row insert hands its RETURNING rows to SQLAlchemy itself: not counted.
        if executemany or cursor.description is None:
            return
        rows = cursor.fetchall()
        self.read += sum(_size(v) for row in rows for v in row)
        context.cursor = _Fetched(cursor, rows)

    def __enter__(self) -> Traffic:
        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        event.remove(Engine, "before_cursor_execute", self._before)
        event.remove(Engine, "after_cursor_execute", self._after)


@dataclass
class Checkpoint:
    turn: int
    state: int = 0
    where: str = ""
    step: Traffic = field(default_factory=Traffic)
    view: Traffic = field(default_factory=Traffic)
    page: Times = field(default_factory=Times)
    html: int = 0
    draft: Times = field(default_factory=Times)
    review: Times = field(default_factory=Times)
    turns: tuple[int, int] = (0, 0)


def page_client(db: Database) -> tuple[Flask, FlaskClient]:
    app = create_app({"DATABASE_URL": db.url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    return app, signed_in(app.test_client(), USER)


def view(client: FlaskClient, task_id: int) -> int:
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200, f"/tasks/{task_id} answered {response.status_code}"
    assert TASK_NAME in response.text
    return len(response.data)


def warm_up(db: Database, client: FlaskClient) -> None:
    """A few untimed turns and views of another instance: turn 1 is not the process's first."""
    instance_id = start(db, "Begroting inwerken")
    for _ in range(WARMUP_TURNS):
        task_id = open_task(db, instance_id, TASK_NAME)
        view(client, task_id)
        draft(db, task_id)
        send_back(db, instance_id)


def checkpoints_of(turns: int) -> list[int]:
    return sorted({1, max(1, turns // 4), max(1, turns // 2), turns})


def run(db: Database, turns: int, window: int, views: int) -> tuple[list[Checkpoint], Clock]:
    prepare(db)
    app, client = page_client(db)
    try:
        warm_up(db, client)
        instance_id = start(db, "Begroting")
        clock = Clock()
        clock.watch(db)
        points = [Checkpoint(t) for t in checkpoints_of(turns)]
        half = window // 2
        for point in points:  # as many turns in each window: the first one starts at turn 1
            first = max(1, point.turn - half)
            point.turns = (first, first + window - 1)
        last = max(p.turns[1] for p in points)
        for turn in range(1, last + 1):
            task_id = open_task(db, instance_id, TASK_NAME)
            around = [p for p in points if p.turns[0] <= turn <= p.turns[1]]
            here = next((p for p in points if p.turn == turn), None)
            if here is not None:
                here.state, here.where = state_bytes(db, instance_id)
                clock.watch(db)
                for _ in range(views):
                    here.page.measure(clock, view, client, task_id)
                with here.view:
                    here.html = view(client, task_id)
                with here.step:  # counted, so not timed: the turns around it give the time
                    draft(db, task_id)
            else:
                draft_times = Times()
                draft_times.measure(clock, draft, db, task_id)
                for point in around:
                    point.draft.wall += draft_times.wall
                    point.draft.cpu += draft_times.cpu
            review_times = Times()
            # Looked up first: the lookup reads every task row of the instance.
            review_times.measure(clock, review, db, open_task(db, instance_id, REVIEW_NAME))
            for point in around:
                point.review.wall += review_times.wall
                point.review.cpu += review_times.cpu
        return points, clock
    finally:
        with app.app_context():
            get_db().dispose()


def verdict(ratio: float) -> str:
    return f"{ratio:5.2f} {'met' if ratio <= GOAL else 'MISSED'}"


def report(label: str, points: list[Checkpoint], clock: Clock) -> None:
    print(f"{label} — times are medians in ms, wall / {clock.label}")
    print(f"{'turn':>5} {'turns':>9} {'draft wall/CPU':>16} {'review wall/CPU':>16} "
          f"{'state KiB':>10} {'draft reads/sends KiB':>22} {'page wall/CPU':>15} "
          f"{'page reads KiB (queries)':>25} {'HTML KiB':>9}")
    for p in points:
        draft_wall, draft_cpu = p.draft.medians()
        review_wall, review_cpu = p.review.medians()
        page_wall, page_cpu = p.page.medians()
        print(f"{p.turn:>5} {f'{p.turns[0]}–{p.turns[1]}':>9} "
              f"{draft_wall:7.2f} /{draft_cpu:7.2f} {review_wall:7.2f} /{review_cpu:7.2f} "
              f"{p.state / 1024:10.1f} "
              f"{f'{p.step.read / 1024:.1f} / {p.step.sent / 1024:.1f}':>22} "
              f"{page_wall:6.2f} /{page_cpu:6.2f} "
              f"{f'{p.view.read / 1024:.1f} ({p.view.statements})':>25} {p.html / 1024:9.1f}")
    first, last = points[0], points[-1]
    print(f"  state in {first.where}")
    ratios = {kind: [a / b for a, b in zip(getattr(last, kind).medians(),
                                           getattr(first, kind).medians(), strict=True)]
              for kind in ("draft", "review", "page")}
    print(f"  goal: turn {last.turn} <= {GOAL} × turn {first.turn}:  "
          f"draft wall {verdict(ratios['draft'][0])}, CPU {verdict(ratios['draft'][1])};  "
          f"review wall {verdict(ratios['review'][0])}, CPU {verdict(ratios['review'][1])}")
    read = last.view.read / first.view.read if first.view.read else float("inf")
    print(f"  goal: task page flat (turn {last.turn} <= {GOAL} × turn {first.turn}):  "
          f"wall {verdict(ratios['page'][0])}, CPU {verdict(ratios['page'][1])}, "
          f"bytes read {verdict(read)}")
    # At turn 1 the page has no earlier answer to show yet; from the next turn on it shows
    # one per step, so its reads are compared with the second reported turn as well.
    second = points[1] if len(points) > 1 else first
    read = last.view.read / second.view.read if second.view.read else float("inf")
    print(f"        bytes read at turn {last.turn} <= {GOAL} × turn {second.turn} (the page "
          f"with its earlier answers): {verdict(read)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200, help="turns of the revise loop")
    parser.add_argument("--window", type=int, default=11,
                        help="turns around each reported one whose median is taken")
    parser.add_argument("--views", type=int, default=20, help="timed views of the task page")
    parser.add_argument("--postgres", nargs="?", const=SERVER, metavar="URL",
                        help=f"also on PostgreSQL: a server, no database (default {SERVER})")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print(f"two_lanes' revise loop, {args.turns} turns, SpiffWorkflow 3.2")
    servers = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
    for label, server in servers:
        with database(server, "history") as db:
            points, clock = run(db, args.turns, args.window, args.views)
        report(label, points, clock)


if __name__ == "__main__":
    main()
