"""What the limits on diagram code cost per evaluation, against SpiffWorkflow's plain eval/exec.

Raw: SpiffWorkflow's own ``TaskDataEnvironment`` (``eval``/``exec`` without any limit).
Ours: a small condition in process (restricted, bounded by its form), and an expression and a
script in the sandbox process (CPU-time and memory limits, data cap, one pipe round trip).
Run from the project root: ``.venv/bin/python bench/sandbox.py [--n 2000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

import workflows
from engine.spiff import current_script_engine

DATA = {"akkoord": True, "bedragen": list(range(40)), "toelichting": "Zoals vorig jaar." * 20,
        "leden": [f"lid{i}" for i in range(15)], "vergaderdatum": "2027-03-10"}
CONDITION = "akkoord == True"
EXPRESSION = "len(leden) > 10 and sum(bedragen) > 100"
SCRIPT = "totaal = sum(bedragen)\naantal = len(leden)\nklaar = totaal > 100"


def timed(call: Callable[[], object], n: int) -> float:
    """Median microseconds of ``call()``, after n // 10 untimed calls."""
    for _ in range(n // 10):
        call()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="measured evaluations of each")
    n = parser.parse_args().n
    workflows.init_app(None)
    ours = current_script_engine().environment
    raw = TaskDataEnvironment()
    rows = [
        ("condition", lambda: raw.evaluate(CONDITION, dict(DATA)),
         lambda: ours.evaluate(CONDITION, dict(DATA)), "in process"),
        ("expression", lambda: raw.evaluate(EXPRESSION, dict(DATA)),
         lambda: ours.evaluate(EXPRESSION, dict(DATA)), "sandbox process"),
        ("script", lambda: raw.execute(SCRIPT, dict(DATA)),
         lambda: ours.execute(SCRIPT, dict(DATA)), "sandbox process"),
    ]
    print(f"per evaluation, median of {n} (µs); data of {len(str(DATA))} characters")
    for label, raw_call, our_call, where in rows:
        raw_us, our_us = timed(raw_call, n), timed(our_call, n)
        print(f"{label:<11} raw {raw_us:8.1f}   ours {our_us:8.1f} ({where})   "
              f"+{our_us - raw_us:7.1f} µs   ratio {our_us / raw_us:6.1f}")


if __name__ == "__main__":
    main()
