"""What one piece of diagram code may cost: CPU time, memory, stored data, tasks per step.

Diagram code comes from the browser, so every evaluation is bounded. The defaults suit the
governance processes (their scripts take microseconds and hold kilobytes); a deployment sets
its own with environment variables (``GOVFLOW_SCRIPT_CPU_SECONDS`` and the others below).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Limits:
    # CPU seconds for one script, condition or expression.
    cpu_seconds: float = 1.0
    # Memory (MB) that one evaluation may allocate beyond what the sandbox process holds.
    memory_mb: int = 256
    # The data of an instance that a step may store (bytes, as the sandbox hands it back).
    data_bytes: int = 1_000_000
    # Instances of one multi-instance activity, and automatic tasks run in one step.
    instances: int = 1_000
    tasks_per_step: int = 10_000

    def describe_data(self) -> str:
        return f"{self.data_bytes / 1_000_000:g} MB"


_ENVIRONMENT = {
    "cpu_seconds": ("GOVFLOW_SCRIPT_CPU_SECONDS", float),
    "memory_mb": ("GOVFLOW_SCRIPT_MEMORY_MB", int),
    "data_bytes": ("GOVFLOW_INSTANCE_DATA_BYTES", int),
    "instances": ("GOVFLOW_MULTI_INSTANCE_LIMIT", int),
    "tasks_per_step": ("GOVFLOW_TASKS_PER_STEP", int),
}


def _from_environment() -> Limits:
    values = {}
    for field, (variable, kind) in _ENVIRONMENT.items():
        raw = os.environ.get(variable)
        if raw:
            try:
                values[field] = kind(raw)
            except ValueError:
                raise SystemExit(f"{variable} must be a number, not {raw!r}") from None
    return Limits(**values)


_current = _from_environment()


def current_limits() -> Limits:
    return _current


@contextmanager
def limits_set(**changes: Any) -> Iterator[Limits]:
    """Other limits for a while (tests; a CLI option)."""
    global _current
    previous = _current
    _current = replace(previous, **changes)
    try:
        yield _current
    finally:
        _current = previous
