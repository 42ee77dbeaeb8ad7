"""The sandbox process: runs diagram code for the engine, one request at a time.

Started by ``sandbox_process`` as ``python -m engine.sandbox_worker FD MEMORY_MB HELPERS``.
Its address space is capped (``RLIMIT_AS``) at what it holds once started plus the memory
limit, so an allocation beyond that raises ``MemoryError`` here and nowhere else; the engine
kills it when its CPU time runs over. It holds no database connection, no secret and no
operator: only the pure helper functions, imported by name, and the data it is sent.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import resource
import sys
import time
import traceback
from datetime import date, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from multiprocessing.connection import Connection
from typing import Any

from engine import clock
from engine.nesting import TOO_DEEP, value_too_deep
from engine.restricted import evaluate, execute

# An error's text goes back this long at most (a message may be built from any data).
MESSAGE_CHARACTERS = 300
_STORABLE = (date, time_of_day, timedelta, Decimal)


def _as_json(value: Any) -> str:
    if isinstance(value, _STORABLE):
        return str(value)
    raise TypeError(f"a {type(value).__name__} cannot be stored as data")


def stored_size(value: Any) -> int:
    """The size of the value as the engine stores it (JSON, every shared part written out):
    pickle writes a part that occurs many times once, so its size says nothing."""
    if value_too_deep(value):
        raise ValueError(f"the data is {TOO_DEEP}")
    return len(json.dumps(value, default=_as_json, allow_nan=False))


def _import(reference: str) -> Any:
    module, _, name = reference.partition(":")
    value: Any = importlib.import_module(module)
    for part in name.split("."):
        value = getattr(value, part)
    return value


def _cap_memory(memory_mb: int) -> None:
    try:
        with open("/proc/self/statm") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: the CPU limit still holds
        return
    cap = held + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _line_of(err: BaseException) -> int | None:
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__)
             if frame.filename in ("<script>", "<expression>")]
    return lines[-1] if lines else None


def answer(request: tuple, helpers: dict[str, Any]) -> tuple:
    """Run one request; the reply says what came of it (never raises)."""
    mode, source, data, external, moment, max_bytes = request
    try:
        with clock.fixed_at(moment):
            run = evaluate if mode == "eval" else execute
            result = run(source, data, helpers, external)
        value = pickle.dumps(result, protocol=5)
        # Pickled, a value is at most as large as stored (a big one is told at once); stored,
        # every part it shares is written out.
        size = len(value) if len(value) > max_bytes else stored_size(result)
        if size > max_bytes:
            return ("too_big", size)
        return ("ok", value)
    except MemoryError:
        return ("memory",)
    except RecursionError:
        return ("error", "RecursionError", "the code recursed too deeply", None)
    except Exception as err:
        message = str(err)
        if len(message) > MESSAGE_CHARACTERS:
            message = message[:MESSAGE_CHARACTERS] + "…"
        return ("error", type(err).__name__, message, _line_of(err))


def serve(connection: Connection, helpers: dict[str, Any]) -> None:
    connection.send_bytes(pickle.dumps(("ready", time.process_time())))
    while True:
        try:
            request = pickle.loads(connection.recv_bytes())
        except EOFError:  # the engine is gone
            return
        try:
            reply = pickle.dumps((*answer(request, helpers), time.process_time()))
        except MemoryError:
            reply = pickle.dumps(("memory", time.process_time()))
        connection.send_bytes(reply)


def main(argv: list[str]) -> None:
    fd, memory_mb, references = int(argv[1]), int(argv[2]), json.loads(argv[3])
    helpers = {name: _import(reference) for name, reference in references.items()}
    _cap_memory(memory_mb)
    serve(Connection(fd), helpers)


if __name__ == "__main__":
    main(sys.argv)
