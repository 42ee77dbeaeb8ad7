"""How much one task completion costs in govflow's engine compared with raw SpiffWorkflow.

Engine: ``complete_task`` on a temporary SQLite file (load, advance, save, projections, audit,
one transaction). Raw: the same step in SpiffWorkflow alone, JSON round trip included, no
database. Run from the project root: ``.venv/bin/python bench/engine_overhead.py [--n 300]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from engine import deploy, identity, instances, roles, schema, tasks
from engine.db import Database
from workflows.catalogue import ROLES

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
DIAGRAM = DATA / "two_lanes.bpmn"
TASK_NAME = "Begroting opstellen"
USER = "manager"
DATA_IN = {"basistaken": 1000, "plustaken": 250, "toelichting": "Zoals vorig jaar."}


def timed(step: Callable[[int], object], n: int, warmup: int) -> list[float]:
    """Milliseconds of ``step(i)`` for i in warmup..warmup+n-1, after ``warmup`` untimed calls."""
    for i in range(warmup):
        step(i)
    times = []
    for i in range(warmup, warmup + n):
        start = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - start) * 1000)
    return times


def engine_step(folder: str, count: int) -> tuple[Callable[[int], object], Database]:
    """A migrated SQLite file with ``count`` instances waiting at the first task."""
    db = Database(f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(db)
    with db.transaction() as session:
        roles.ensure_roles(session, ROLES)
    identity.add_user(db, USER, password="password-bench", roles=["Manager ZVH"])
    identity.add_user(db, "ph", password="password-bench", roles=["Portefeuillehouder ZVH"])
    deploy.deploy(db, [DIAGRAM, DATA / "forms"], "bench")
    task_ids = []
    for i in range(count):
        instance = instances.start_instance(db, "two_lanes", title=f"Begroting {i}", actor=USER)
        (task,) = [t for t in tasks.tasks_of_instance(db, instance.id) if t.name == TASK_NAME]
        task_ids.append(task.id)
    return (lambda i: tasks.complete_task(db, task_ids[i], USER, dict(DATA_IN))), db


def raw_step() -> Callable[[int], object]:
    """The same step in SpiffWorkflow alone: JSON in, run, engine steps, JSON out."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(DIAGRAM))
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    workflow = BpmnWorkflow(parser.get_spec("two_lanes"), parser.get_subprocess_specs("two_lanes"))
    workflow.do_engine_steps()
    (ready,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert ready.task_spec.bpmn_name == TASK_NAME
    task_id: UUID = ready.id
    state = serializer.serialize_json(workflow)

    def step(_i: int) -> str:
        loaded = serializer.deserialize_json(state)
        task = loaded.get_task_from_id(task_id)
        task.data.update(DATA_IN)
        task.run()
        loaded.do_engine_steps()
        return serializer.serialize_json(loaded)

    return step


def report(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    print(f"{label:<8} median {median:7.3f} ms   mean {statistics.fmean(times):7.3f} ms   "
          f"min {min(times):7.3f} ms   (n={len(times)})")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="measured completions")
    parser.add_argument("--warmup", type=int, default=30, help="untimed completions first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        step, db = engine_step(folder, args.warmup + args.n)
        engine_times = timed(step, args.n, args.warmup)
        db.dispose()
    raw_times = timed(raw_step(), args.n, args.warmup)
    print(f"one completion of {TASK_NAME!r} ({DIAGRAM.name}), SpiffWorkflow 3.2")
    engine_median = report("engine", engine_times)
    raw_median = report("raw", raw_times)
    ratio = engine_median / raw_median
    verdict = "OK" if ratio <= 2.0 else "ABOVE TARGET"
    print(f"ratio    engine/raw median {ratio:.2f}  "
          f"(mean {statistics.fmean(engine_times) / statistics.fmean(raw_times):.2f}); "
          f"target <= 2.0: {verdict}")


if __name__ == "__main__":
    main()
