"""How fast the scheduler fires due timers on PostgreSQL, with one and two processes.

Engine: ``fire_due_timers`` in scheduler processes (spawned, started together) on a fresh
PostgreSQL database with N instances of ``timer_wait`` whose P1D timer fell due in 2024:
claimed 50 at a time (FOR UPDATE SKIP LOCKED), each loaded, advanced, saved in a savepoint of
its own, the batch's audit rows written together, one commit per batch (``engine/timer_batches``).
Raw: the same firing in SpiffWorkflow alone, in memory: N ``BpmnWorkflow`` objects of the same
diagram (SpiffWorkflow's own parser and timers), each ``refresh_timers(); do_engine_steps()``.
Run from the project root: ``.venv/bin/python bench/timers.py [--count 10000]``.
The databases are created and dropped on the server given (default 127.0.0.1:5432, postgres).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import time_machine
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from sqlalchemy import create_engine, func, select, text

from engine import deploy, instances, schema
from engine.db import Database
from engine.models import AuditEvent, ProcessInstance

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))  # for the test-support module that makes due instances
from tests.bulk import copy_instance  # noqa: E402

DIAGRAM = PROJECT / "tests" / "data" / "timer_wait.bpmn"
KEY = "timer_wait"
# Started in the past, so every timer is due on the real clock the schedulers run on.
PAST = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


@contextmanager
def fresh_database(server: str, name: str) -> Iterator[Database]:
    """A migrated database of its own, dropped afterwards."""
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(f"{server}/{name}")
    try:
        schema.upgrade(db)
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare_due_timers(db: Database, count: int) -> None:
    """``count`` waiting instances whose timer is long due: one started, the rest copied."""
    deploy.deploy(db, [DIAGRAM], "bench")
    with time_machine.travel(PAST, tick=False):
        first = instances.start_instance(db, KEY, title="Wacht")
    with db.transaction() as session:
        copy_instance(session, first.id, count - 1)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE process_instances, audit_events"))


def scheduler_process(url: str, start: Any, results: Any) -> None:
    """One scheduler: connect, wait for the others, fire everything due, report."""
    from engine.timers import fire_due_timers

    db = Database(url)
    db.engine.connect().close()
    start.wait()
    began = time.perf_counter()
    fired = fire_due_timers(db)
    results.put((fired, time.perf_counter() - began))
    db.dispose()


def fire_with_processes(db: Database, processes: int) -> tuple[float, list[tuple[int, float]]]:
    """Seconds from the common start until the last scheduler is done, and each one's share."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(processes + 1)
    results = context.Queue()
    workers = [context.Process(target=scheduler_process, args=(db.url, start, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    shares = [results.get() for _ in workers]
    seconds = time.perf_counter() - began
    for worker in workers:
        worker.join()
    return seconds, shares


def check(db: Database) -> str:
    with db.reading() as session:
        completed = session.scalar(select(func.count()).where(
            ProcessInstance.status == "completed"))
        firings = session.scalar(select(func.count()).where(AuditEvent.kind == "timer_fired"))
        twice = session.scalar(select(func.count()).select_from(
            select(AuditEvent.instance_id).where(AuditEvent.kind == "timer_fired")
            .group_by(AuditEvent.instance_id).having(func.count() > 1).subquery()))
        fired = select(AuditEvent.id).where(AuditEvent.instance_id == ProcessInstance.id,
                                            AuditEvent.kind == "timer_fired")
        missed = session.scalar(select(func.count()).select_from(ProcessInstance)
                                .where(~fired.exists()))
    return (f"{completed} completed, {firings} timer_fired events, {twice} fired twice, "
            f"{missed} missed")


def engine_run(server: str, count: int, processes: int) -> float:
    name = f"govflow_bench_timers_{os.getpid()}_{processes}"
    with fresh_database(server, name) as db:
        began = time.perf_counter()
        prepare_due_timers(db, count)
        prepared = time.perf_counter() - began
        seconds, shares = fire_with_processes(db, processes)
        split = " + ".join(f"{fired} in {spent:.2f} s" for fired, spent in shares)
        print(f"  {processes} process(es): fired {split}; {check(db)} "
              f"(prepared in {prepared:.1f} s)")
    return seconds


def raw_workflows(count: int) -> list[BpmnWorkflow]:
    """``count`` workflows of the diagram waiting on their timer, started in the past."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DIAGRAM))
    spec, subprocesses = parser.get_spec(KEY), parser.get_subprocess_specs(KEY)
    workflows = []
    with time_machine.travel(PAST, tick=False):
        for _ in range(count):
            workflow = BpmnWorkflow(spec, subprocesses)
            workflow.do_engine_steps()
            workflows.append(workflow)
    return workflows


def raw_run(count: int, round_trip: bool) -> float:
    """Fire every timer in memory (``round_trip``: through the JSON serializer, as stored)."""
    workflows = raw_workflows(count)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    states = [serializer.serialize_json(w) for w in workflows] if round_trip else []
    began = time.perf_counter()
    if round_trip:
        for state in states:
            workflow = serializer.deserialize_json(state)
            workflow.refresh_timers()
            workflow.do_engine_steps()
            serializer.serialize_json(workflow)
    else:
        for workflow in workflows:
            workflow.refresh_timers()
            workflow.do_engine_steps()
    seconds = time.perf_counter() - began
    if not round_trip:
        done = sum(w.is_completed() for w in workflows)
        print(f"  raw: {done} of {count} workflows completed")
    return seconds


def row(label: str, count: int, processes: str, seconds: float, raw: float) -> None:
    print(f"{label:<22} {count:>7} {processes:>9} {seconds:>9.2f} {count / seconds:>9.0f} "
          f"{seconds * 1000 / count:>9.3f} {seconds / raw:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="due timers to fire")
    parser.add_argument("--server", default=SERVER, help="PostgreSQL server URL, no database")
    args = parser.parse_args()
    count = args.count
    print(f"firing {count} due timers of {DIAGRAM.name}, SpiffWorkflow 3.2, {os.cpu_count()} cores")
    one = engine_run(args.server, count, 1)
    two = engine_run(args.server, count, 2)
    raw = raw_run(count, round_trip=False)
    raw_json = raw_run(count, round_trip=True)
    print(f"{'':<22} {'timers':>7} {'processes':>9} {'seconds':>9} {'timers/s':>9} "
          f"{'ms/timer':>9} {'x raw':>9}")
    row("engine (PostgreSQL)", count, "1", one, raw)
    row("engine (PostgreSQL)", count, "2", two, raw)
    row("raw, in memory", count, "1", raw, raw)
    row("raw, JSON round trip", count, "1", raw_json, raw)


if __name__ == "__main__":
    main()
