"""What the process owner's tools for a draft cost on the server: the diff of two versions of
the largest catalogue process, making a test run of a draft (its own database, the demo
cast, the draft deployed into it), and a test run's start and clock moved to the next timer.

Run from the project root after ``make install``: ``.venv/bin/python bench/draft_tools.py
[--n 20]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import workflows
from engine import deploy, drafts, identity, schema, test_run_steps, test_runs
from engine.db import Database
from engine.diagrams import Source, read_sources
from engine.process_owners import PROCESS_OWNER_ROLE
from engine.roles import ensure_roles
from engine.versions import compare_versions
from workflows.catalogue import ROLES
from workflows.test_cast import seed_cast

ROOT = Path(__file__).parents[1]
OWNER = "olga"
DECISION = {"orgaan": "stuurgroep",
            "agendapunt": {"titel": "Werkproces", "voorstel": "Het werkproces vaststellen."},
            "aanwezigen": ["voorzitter.stuurgroep", "lid.stuurgroep"], "afwezigen": []}


def timed(label: str, n: int, work: Callable[[int], object]) -> None:
    times = []
    for i in range(n):
        start = time.perf_counter()
        work(i)
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<58} median {statistics.median(times):7.1f} ms, "
          f"max {max(times):7.1f} ms over {n}")


def two_meetings(db: Database) -> None:
    """Version 2 of meeting waits 14 days instead of 7 (the diff has something to find)."""
    xml = (ROOT / "bpmn" / "meeting.bpmn").read_text().replace('"P7D"', '"P14D"', 1)
    forms, problems = read_sources([ROOT / "bpmn" / "forms"])
    assert not problems, problems
    deploy.deploy_sources(db, [Source("meeting.bpmn", xml), *forms], "bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    n = parser.parse_args().n
    workflows.init_app(None)
    folder = Path(tempfile.mkdtemp())
    db = Database(f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(db)
    with db.transaction() as session:
        ensure_roles(session, ROLES)
    identity.add_user(db, OWNER, password="bench-password", roles=(PROCESS_OWNER_ROLE,))
    deploy.deploy(db, [ROOT / "bpmn"], "bench")
    two_meetings(db)
    size = (ROOT / "bpmn" / "meeting.bpmn").stat().st_size / 1024

    def diff(_: int) -> None:
        with db.reading() as session:
            assert compare_versions(session, "meeting", 1, 2).diff.changes

    timed(f"diff of meeting v1 → v2 ({size:.0f} KiB each)", n, diff)

    xml = (ROOT / "bpmn" / "decision.bpmn").read_text()
    drafts.save_draft(db, "decision", xml.replace("Voorzitter hoger orgaan waarschuwen",
                                                  "Hoger orgaan waarschuwen"), OWNER, None)
    runs = folder / "runs"
    made: list[test_runs.TestRun] = []
    timed("make a test run of the decision draft (own database, cast)", n,
          lambda _: made.append(test_runs.create_run(db, runs, "decision", OWNER, seed_cast)))

    def start_and_wait(_: int) -> None:
        run = test_runs.create_run(db, runs, "decision", OWNER, seed_cast)
        with test_runs.open_run(runs, run.id, OWNER) as opened:
            test_run_steps.start_run(opened, DECISION)
            assert test_run_steps.move_clock(opened, None).fired

    timed("make, start and move a run's clock to the next timer", n, start_and_wait)


if __name__ == "__main__":
    main()
