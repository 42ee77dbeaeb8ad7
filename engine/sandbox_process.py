"""Diagram code out of the engine's process: a pool of sandbox processes with hard limits.

Python cannot stop itself inside one C call (``9**9**9``, ``max(range(10**12))``) nor cap
the memory of one evaluation, so code that can compute runs in a separate process
(``sandbox_worker``). Its memory is capped by the kernel (``RLIMIT_AS``); the engine waits
for the answer while the process's CPU time (read from ``/proc``) stays under the limit, and
kills it otherwise. The waiting thread holds no lock and no GIL, so the server goes on
serving; a killed process is replaced by a fresh one at the next evaluation.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from multiprocessing.connection import Connection
from typing import Any

from .limits import Limits
from .settings import PROJECT_ROOT

# Processes running diagram code at once; more evaluations wait for one to be free.
PROCESSES = int(os.environ.get("GOVFLOW_SANDBOX_PROCESSES") or 4)
_START_SECONDS = 60.0
# A process that gets no CPU (a stopped or starved machine) is given up after this many
# times the CPU limit of wall-clock time.
_WALL_FACTOR = 10
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# Only the environment a Python process needs: no database address, no secret.
_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TZ", "PYTHONPATH", "SYSTEMROOT")


class LimitExceeded(Exception):
    """Diagram code was stopped at a limit; the message names the limit."""


class ScriptError(Exception):
    """Diagram code raised; the message has the error's type, text and line."""


class _Unpickler(pickle.Unpickler):
    """What a sandbox process may hand back: data, dates and decimals, no other object."""

    ALLOWED = frozenset({
        ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
        ("datetime", "timedelta"), ("datetime", "timezone"), ("decimal", "Decimal"),
        ("zoneinfo", "ZoneInfo._unpickle"), ("zoneinfo._zoneinfo", "ZoneInfo._unpickle"),
    })

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise ScriptError(f"the code produced a {module}.{name}, which cannot be stored")
        return super().find_class(module, name)


def _loads(payload: bytes) -> Any:
    return _Unpickler(io.BytesIO(payload)).load()


class Helpers:
    """The helper functions that diagram code may call, by the names a process imports."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        self.references = {name: f"{f.__module__}:{f.__qualname__}"
                           for name, f in functions.items()}
        hidden = [name for name, ref in self.references.items() if "<" in ref]
        if hidden:  # a lambda or a nested function cannot be imported by the sandbox process
            raise ValueError(f"helper(s) {', '.join(hidden)} must be module-level functions")


class _Process:
    """One sandbox process and the pipe to it."""

    def __init__(self, helpers: dict[str, str], memory_mb: int) -> None:
        ours, theirs = socket.socketpair()
        environment = {k: v for k, v in os.environ.items() if k in _ENVIRONMENT}
        self.helpers, self.memory_mb = helpers, memory_mb
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine.sandbox_worker", str(theirs.fileno()),
             str(memory_mb), json.dumps(dict(helpers))],
            pass_fds=[theirs.fileno()], cwd=PROJECT_ROOT, env=environment,
            stdin=subprocess.DEVNULL)
        theirs.close()
        self.connection = Connection(ours.detach())
        self.cpu: float | None = None  # its CPU seconds when it last answered

    def ask(self, request: tuple, cpu_seconds: float, max_bytes: int) -> tuple:
        if self.cpu is None:
            self._wait_until_ready()
        try:
            self.connection.send_bytes(pickle.dumps(request, protocol=5))
        except OSError:
            self.stop()
            raise LimitExceeded("the sandbox process had stopped; try again") from None
        self._wait(cpu_seconds)
        try:
            # A reply is at most the data limit (the worker checked it) and some framing.
            reply = _loads(self.connection.recv_bytes(maxlength=2 * max_bytes + 65536))
        except (EOFError, OSError):
            self.stop()
            raise LimitExceeded(f"it needed more than the memory limit of {self.memory_mb} MB"
                                ) from None
        self.cpu = reply[-1]
        return reply[:-1]

    def _wait_until_ready(self) -> None:
        try:
            if not self.connection.poll(_START_SECONDS):
                raise EOFError
            _ready, self.cpu = pickle.loads(self.connection.recv_bytes())
        except (EOFError, OSError):
            self.stop()
            raise RuntimeError("the sandbox process did not start (see its error output)"
                               ) from None

    def _wait(self, cpu_seconds: float) -> None:
        started = time.monotonic()
        pause = cpu_seconds
        while not self.connection.poll(pause):
            used = self._cpu_seconds() - (self.cpu or 0.0)
            if used >= cpu_seconds:
                self.stop()
                raise LimitExceeded(f"it ran longer than the CPU-time limit of {cpu_seconds:g} s")
            if time.monotonic() - started > _WALL_FACTOR * cpu_seconds:
                self.stop()
                raise LimitExceeded(f"it got no answer within {_WALL_FACTOR * cpu_seconds:g} s")
            pause = max(cpu_seconds - used, 0.02)

    def _cpu_seconds(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):  # no /proc, or the process has gone
            return float("inf") if self.process.poll() is not None else 0.0
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait()
        self.connection.close()


class SandboxPool:
    """At most ``PROCESSES`` sandbox processes, reused while they live."""

    def __init__(self, size: int = PROCESSES) -> None:
        self._idle: list[_Process] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._size = size
        atexit.register(self.close)

    def run(self, mode: str, source: str, data: Mapping[str, Any],
            external: Mapping[str, Any] | None, moment: datetime, limits: Limits,
            helpers: Helpers) -> Any:
        """Evaluate an expression or run a script with ``helpers`` in scope; returns its value
        (a script: its data)."""
        request = (mode, source, dict(data), dict(external or {}), moment, limits.data_bytes)
        with self._slots:
            process = self._take(helpers, limits.memory_mb)
            try:
                reply = process.ask(request, limits.cpu_seconds, limits.data_bytes)
            finally:
                self._give_back(process)
        return self._value(reply, limits)

    @staticmethod
    def _value(reply: tuple, limits: Limits) -> Any:
        kind = reply[0]
        if kind == "ok":
            return _loads(reply[1])
        if kind == "memory":
            raise LimitExceeded(f"it needed more than the memory limit of {limits.memory_mb} MB")
        if kind == "too_big":
            raise LimitExceeded(f"its data would take {reply[1] / 1_000_000:.1f} MB, more than "
                                f"the limit of {limits.describe_data()} per instance")
        _kind, error, message, line = reply
        where = f" on line {line}" if line else ""
        raise ScriptError(f"{error}{where}: {message}")

    def _take(self, helpers: Helpers, memory_mb: int) -> _Process:
        with self._lock:
            for process in reversed(self._idle):
                if process.helpers == helpers.references and process.memory_mb == memory_mb:
                    self._idle.remove(process)
                    if process.alive:
                        return process
                    process.stop()
                    break
        return _Process(helpers.references, memory_mb)

    def _give_back(self, process: _Process) -> None:
        if not process.alive:
            return
        with self._lock:
            self._idle.append(process)
            surplus = self._idle[:-self._size]
            del self._idle[:-self._size]
        for old in surplus:
            old.stop()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.stop()
