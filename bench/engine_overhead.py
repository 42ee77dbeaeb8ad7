"""How much one task completion costs in govflow's engine compared with raw SpiffWorkflow.

Engine: ``complete_task`` (load, advance, save, projections, audit, one transaction) on a
temporary SQLite file and on a fresh PostgreSQL database. Raw: the same step in SpiffWorkflow
alone, JSON round trip included (deserialize, run the task, engine steps, serialize), no
database. Engine step i and raw step i alternate, so whatever else the machine does falls on
both; each is timed by the wall clock and by CPU time (this process, plus the PostgreSQL
server processes serving it when the server runs on this machine): the CPU ratio is the one
that background load does not move.

Two histories: a fresh instance at its first task (history 0), and an instance that has gone
round two_lanes' revise loop (draft by the Manager ZVH, review by a Portefeuillehouder ZVH with
``akkoord`` false, back to the draft) about 200 times, against a raw workflow that has gone
round as often (so its JSON is as big); that run takes the median over a window of rounds
around 200, engine and raw going round in step.

Goal (issue 15): engine ÷ raw <= 1.0.

Run from the project root:
``.venv/bin/python bench/engine_overhead.py [--n 300] [--history 200] [--postgres URL]``.
The PostgreSQL database is created on the server given and dropped afterwards
(``--postgres ''``: SQLite only).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from dashboard import PASSWORD
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import inspect, text
from timers import SERVER, fresh_database

import workflows
from engine import deploy, identity, instances, roles, schema, tasks
from engine.db import Database
from workflows.catalogue import ROLES

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DIAGRAM = DATA / "two_lanes.bpmn"
TASK_NAME = "Begroting opstellen"
REVIEW_NAME = "Begroting bespreken"
USER = "manager"
REVIEWER = "ph"
DATA_IN = {"basistaken": 1000, "plustaken": 250, "toelichting": "Zoals vorig jaar."}
# The review has no form: its data goes to the gateway as is, and false sends the draft back.
SEND_BACK = {"akkoord": False}
GOAL = 1.0


# --- the engine side ----------------------------------------------------------------------

@contextmanager
def database(server: str | None, name: str) -> Iterator[Database]:
    """A migrated, empty database: a temporary SQLite file, or (``server`` given) a fresh
    PostgreSQL database of its own on that server, dropped afterwards."""
    if server:
        with fresh_database(server, f"govflow_bench_{name}_{os.getpid()}") as db:
            yield db
        return
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        try:
            schema.upgrade(db)
            yield db
        finally:
            db.dispose()


def prepare(db: Database) -> None:
    """The roles, the manager and the portefeuillehouder (password ``dashboard.PASSWORD``), and
    two_lanes with its forms deployed."""
    workflows.init_app(None)
    with db.transaction() as session:
        roles.ensure_roles(session, ROLES)
    identity.add_user(db, USER, password=PASSWORD, roles=["Manager ZVH"])
    identity.add_user(db, REVIEWER, password=PASSWORD, roles=["Portefeuillehouder ZVH"])
    deploy.deploy(db, [DIAGRAM, DATA / "forms"], "bench")


def start(db: Database, title: str) -> int:
    return instances.start_instance(db, "two_lanes", title=title, actor=USER).id


def open_task(db: Database, instance_id: int, name: str) -> int:
    (task_id,) = [t.id for t in tasks.tasks_of_instance(db, instance_id)
                  if t.state == "open" and t.name == name]
    return task_id


def draft(db: Database, task_id: int) -> None:
    tasks.complete_task(db, task_id, USER, dict(DATA_IN))


def send_back(db: Database, instance_id: int) -> None:
    """The review of the open draft: not agreed, so the draft is open again."""
    review(db, open_task(db, instance_id, REVIEW_NAME))


def review(db: Database, task_id: int) -> None:
    tasks.complete_task(db, task_id, REVIEWER, dict(SEND_BACK))


def go_round(db: Database, instance_id: int, rounds: int) -> None:
    """Draft and send back ``rounds`` times; the draft is open afterwards."""
    for _ in range(rounds):
        draft(db, open_task(db, instance_id, TASK_NAME))
        send_back(db, instance_id)


def state_bytes(db: Database, instance_id: int) -> tuple[int, str]:
    """Bytes of an instance's saved state in the database, and the columns they are in: the
    ``*_json`` columns of its ``process_instances`` row, and the text columns of its rows in
    ``instance_task_states`` where that table exists."""
    tables = inspect(db.engine)
    state = [("process_instances", "id",
              [c["name"] for c in tables.get_columns("process_instances")
               if c["name"].endswith("_json")])]
    if tables.has_table("instance_task_states"):
        state.append(("instance_task_states", "instance_id",
                      [c["name"] for c in tables.get_columns("instance_task_states")
                       if c["name"] != "instance_id" and c["type"].python_type is str]))

    def size(column: str) -> str:
        return (f"coalesce(octet_length({column}), 0)" if db.is_postgres
                else f"coalesce(length(CAST({column} AS BLOB)), 0)")

    total = 0
    with db.engine.connect() as connection:
        for table, key, columns in state:
            total += connection.scalar(text(
                f"SELECT coalesce(sum({' + '.join(size(c) for c in columns)}), 0) "
                f"FROM {table} WHERE {key} = :id"), {"id": instance_id})
    return total, ", ".join(f"{table}.{'+'.join(columns)}" for table, _, columns in state)


# --- the raw side -------------------------------------------------------------------------

class RawInstance:
    """two_lanes in SpiffWorkflow alone, kept as JSON between steps as a store would keep it."""

    def __init__(self) -> None:
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(DIAGRAM))
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.workflow = BpmnWorkflow(parser.get_spec("two_lanes"),
                                     parser.get_subprocess_specs("two_lanes"))
        self.workflow.do_engine_steps()
        self.state = self.serializer.serialize_json(self.workflow)

    def ready(self, name: str) -> UUID:
        """The id of the open user task called ``name`` (the engine reads it from its task
        rows, so finding it is no part of the step)."""
        (task,) = [t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                   if t.task_spec.bpmn_name == name]
        return task.id

    def step(self, state: str, task_id: UUID, data: dict[str, Any]) -> tuple[BpmnWorkflow, str]:
        """The raw step: JSON in, run the task, engine steps, JSON out."""
        loaded = self.serializer.deserialize_json(state)
        task = loaded.get_task_from_id(task_id)
        task.data.update(data)
        task.run()
        loaded.do_engine_steps()
        return loaded, self.serializer.serialize_json(loaded)

    def advance(self, task_id: UUID, data: dict[str, Any]) -> None:
        """A step that is kept: the next one starts from its JSON."""
        self.workflow, self.state = self.step(self.state, task_id, data)

    def go_round(self, rounds: int) -> None:
        for _ in range(rounds):
            self.advance(self.ready(TASK_NAME), DATA_IN)
            self.advance(self.ready(REVIEW_NAME), SEND_BACK)


def raw_step() -> Callable[[int], object]:
    """The first task's step in SpiffWorkflow alone, each time from the same JSON."""
    raw = RawInstance()
    task_id, state = raw.ready(TASK_NAME), raw.state
    return lambda _i: raw.step(state, task_id, DATA_IN)[1]


# --- timing -------------------------------------------------------------------------------

def timed(step: Callable[[int], object], n: int, warmup: int) -> list[float]:
    """Wall-clock milliseconds of ``step(i)`` for i in warmup..warmup+n-1, after ``warmup``
    untimed calls."""
    for i in range(warmup):
        step(i)
    times = []
    for i in range(warmup, warmup + n):
        start = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


class Clock:
    """CPU seconds of this process and of the PostgreSQL server processes that serve it, when
    the server runs on this machine (``/proc/<pid>/schedstat``, in nanoseconds). ``watch``
    notes the server processes: the database's client connections open at that moment."""

    def __init__(self) -> None:
        self.server: list[Path] = []

    def watch(self, db: Database) -> None:
        self.server = []
        if not db.is_postgres:
            return
        with db.engine.connect() as connection:
            pids = connection.scalars(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'")).all()
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/comm").read_text().startswith("postgres"):
                    self.server.append(Path(f"/proc/{pid}/schedstat"))
            except OSError:
                pass  # the server runs elsewhere: only this process's CPU is counted

    @property
    def label(self) -> str:
        return ("CPU of this process and of its PostgreSQL server processes" if self.server
                else "CPU of this process")

    def server_seconds(self) -> float:
        total = 0
        for path in self.server:
            with suppress(OSError):  # the connection closed
                total += int(path.read_text().split()[0])
        return total / 1e9


@dataclass
class Times:
    """Milliseconds of each measured call, by the wall clock and in CPU time."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, clock: Clock, call: Callable[..., object], *args: Any) -> None:
        server, cpu, wall = clock.server_seconds(), time.process_time(), time.perf_counter()
        call(*args)
        wall_end, cpu_end = time.perf_counter(), time.process_time()
        server_end = clock.server_seconds()
        self.wall.append((wall_end - wall) * 1000)
        self.cpu.append((cpu_end - cpu + server_end - server) * 1000)

    def medians(self) -> tuple[float, float]:
        if not self.wall:
            return float("nan"), float("nan")
        return statistics.median(self.wall), statistics.median(self.cpu)


def report(label: str, engine: Times, raw: Times, note: str = "") -> None:
    (engine_wall, engine_cpu), (raw_wall, raw_cpu) = engine.medians(), raw.medians()
    wall, cpu = engine_wall / raw_wall, engine_cpu / raw_cpu
    print(f"{label}{note}")
    print(f"  engine  wall median {engine_wall:7.3f} ms   CPU median {engine_cpu:7.3f} ms"
          f"   (n={len(engine.wall)})")
    print(f"  raw     wall median {raw_wall:7.3f} ms   CPU median {raw_cpu:7.3f} ms"
          f"   (n={len(raw.wall)})")
    print(f"  engine ÷ raw  wall {wall:5.2f}   CPU {cpu:5.2f}   goal <= {GOAL}: "
          f"wall {'met' if wall <= GOAL else 'MISSED'}, CPU {'met' if cpu <= GOAL else 'MISSED'}")


# --- the runs -----------------------------------------------------------------------------

def fresh_run(db: Database, n: int, warmup: int) -> tuple[Times, Times, Clock]:
    """History 0: ``n`` instances each at its first task, completed once, alternating with
    the raw step from the same JSON."""
    prepare(db)
    ids = [open_task(db, start(db, f"Begroting {i}"), TASK_NAME) for i in range(warmup + n)]
    raw = RawInstance()
    raw_id, raw_state = raw.ready(TASK_NAME), raw.state
    clock, engine_times, raw_times = Clock(), Times(), Times()
    for i, task_id in enumerate(ids):
        if i == warmup:
            clock.watch(db)
            engine_times, raw_times = Times(), Times()
        engine_times.measure(clock, draft, db, task_id)
        raw_times.measure(clock, raw.step, raw_state, raw_id, DATA_IN)
    return engine_times, raw_times, clock


def history_run(db: Database, history: int, window: int) -> tuple[Times, Times, Clock, str]:
    """One instance and one raw workflow gone round ``history - window // 2`` times, then
    ``window`` more rounds in step, the drafts timed: the median has ``history`` rounds behind
    it."""
    prepare(db)
    instance_id = start(db, "Begroting")
    raw = RawInstance()
    before = max(0, history - window // 2)
    go_round(db, instance_id, before)
    raw.go_round(before)
    clock, engine_times, raw_times = Clock(), Times(), Times()
    clock.watch(db)
    sizes = ""
    for turn in range(window):
        if before + turn == history:
            stored, where = state_bytes(db, instance_id)
            sizes = (f"; at {history} rounds the engine's state is {stored / 1024:.0f} KiB "
                     f"({where}), the raw JSON {len(raw.state.encode()) / 1024:.0f} KiB")
        task_id, raw_id = open_task(db, instance_id, TASK_NAME), raw.ready(TASK_NAME)
        engine_times.measure(clock, draft, db, task_id)
        raw_times.measure(clock, raw.advance, raw_id, DATA_IN)
        send_back(db, instance_id)
        raw.advance(raw.ready(REVIEW_NAME), SEND_BACK)
    rounds = f"{before}–{before + window - 1} rounds behind"
    return engine_times, raw_times, clock, f" ({rounds}{sizes})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="measured completions at history 0")
    parser.add_argument("--warmup", type=int, default=30, help="untimed completions first")
    parser.add_argument("--history", type=int, default=200, help="rounds of the revise loop")
    parser.add_argument("--window", type=int, default=31,
                        help="measured rounds around --history (their median)")
    parser.add_argument("--postgres", default=SERVER, metavar="URL",
                        help="PostgreSQL server, no database ('' for SQLite only)")
    args = parser.parse_args()
    print(f"one completion of {TASK_NAME!r} ({DIAGRAM.name}), SpiffWorkflow 3.2; engine and raw "
          "steps alternate")
    servers = [("SQLite", None)] + ([("PostgreSQL", args.postgres)] if args.postgres else [])
    for label, server in servers:
        with database(server, "overhead") as db:
            engine_times, raw_times, clock = fresh_run(db, args.n, args.warmup)
        report(f"{label}, history 0", engine_times, raw_times, f" — {clock.label}")
    for label, server in servers:
        with database(server, "overhead_history") as db:
            engine_times, raw_times, _clock, note = history_run(db, args.history, args.window)
        report(f"{label}, history {args.history}", engine_times, raw_times, note)


if __name__ == "__main__":
    main()
