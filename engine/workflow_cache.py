"""Deserialized workflows kept between steps, one per instance, in this process.

An entry holds the workflow as a step saved it, under the instance's ``state_token`` of that
save. A step takes its entry out (so a step that fails leaves nothing half-changed behind) and
its transaction puts the new state back after it commits. Another process's step, a rolled
back save or a restart gives the instance a token no entry holds, so a stale workflow is never
used: the step reads the state from the database instead.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock
from typing import Any
from uuid import UUID

# A pruned workflow holds a few dozen live tasks (engine.workflow_history), tens of KB;
# a process keeps the most recently used.
CAPACITY = 256


@dataclass
class Stored:
    """What the database holds of a workflow's live tasks: per task id its row, so that a save
    rewrites only the rows a step changed."""

    tasks: dict[UUID, str] = field(default_factory=dict)
    next_position: int = 0
    # Finished sub-processes archived with the history, as stored (engine.state_parts).
    archived_subprocesses: dict[str, Any] = field(default_factory=dict)
    # The specs are written once, by the first save of a new instance.
    has_specs: bool = False


@dataclass(frozen=True)
class Entry:
    workflow: Any
    stored: Stored


_entries: OrderedDict[tuple[int, str], Entry] = OrderedDict()
_lock = Lock()


def take(instance_id: int, token: str | None) -> Entry | None:
    """The workflow saved under ``token``, removed from the cache, or None."""
    if token is None:
        return None
    with _lock:
        return _entries.pop((instance_id, token), None)


def holds(instance_id: int, token: str | None) -> bool:
    with _lock:
        return (instance_id, token) in _entries


def put(instance_id: int, token: str, entry: Entry) -> None:
    with _lock:
        _entries[(instance_id, token)] = entry
        while len(_entries) > CAPACITY:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()
