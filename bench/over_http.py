"""Task completion over HTTP through the real server (waitress on loopback), as a browser asks
for it: the completion's POST and its redirect, signed in, with CSRF. One client and four
concurrent clients, on SQLite and on PostgreSQL; the raw SpiffWorkflow step (the same step,
JSON round trip included, no database) is timed in the same run.

Goals (issue 15): a completion's median <= 5 ms with one client on SQLite.

Run from the project root after ``make install``:
``.venv/bin/python bench/over_http.py [--n 200]``. PostgreSQL is a fresh database on
127.0.0.1:5432, dropped afterwards.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import logging
import re
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from dashboard import fresh_database
from engine_overhead import DATA, DIAGRAM, TASK_NAME, raw_step, timed
from waitress.server import create_server

import workflows
from engine import deploy, identity, instances, roles, schema, tasks
from engine.db import Database
from web import create_app
from workflows.catalogue import ROLES

PASSWORD = "password-bench"
CLIENTS = 4
GOAL_MS = 5.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 302 after a completion is the answer; the inbox is not asked for


class Client:
    """One signed-in browser: its own cookies, its own session."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.next_page: str | None = None
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
        page = self.get("/sign-in")
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status = self.post("/sign-in", {"username": username, "password": PASSWORD})
        assert status == 302, f"sign-in of {username} answered {status}"
        # Signing in starts a new session, with a token of its own.
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', self.get("/tasks")).group(1)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        try:
            with self.opener.open(self.base + path, body) as response:
                self.next_page = None
                return response.status
        except urllib.error.HTTPError as answer:  # the 302 arrives as an error without redirects
            self.next_page = answer.headers.get("Location")
            return answer.code

    def follow(self) -> None:
        """Ask for the page the last answer led to, as a browser does: it shows (and so takes
        out of the session) the message the completion left there."""
        if self.next_page:
            self.get(urllib.parse.urljoin("/", self.next_page))


def prepared(db: Database, count: int) -> list[int]:
    """A migrated database with ``count`` instances waiting at the manager's first task."""
    workflows.init_app(None)
    schema.upgrade(db)
    with db.transaction() as session:
        roles.ensure_roles(session, ROLES)
    for username in ("bench0", "bench1", "bench2", "bench3"):
        identity.add_user(db, username, password=PASSWORD, roles=["Manager ZVH"])
    deploy.deploy(db, [DIAGRAM, DATA / "forms"], "bench")
    ids = []
    for i in range(count):
        instance = instances.start_instance(db, "two_lanes", title=f"Begroting {i}",
                                            actor="bench0")
        ids += [t.id for t in tasks.tasks_of_instance(db, instance.id) if t.name == TASK_NAME]
    return ids


def serving(db: Database) -> tuple[str, Callable[[], None]]:
    """The app served by waitress in a thread; the function that stops taking work."""
    app = create_app({"DATABASE_URL": db.url, "SECRET_KEY": "bench",
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    # Closing the listener under the running loop makes waitress complain; stopping its
    # workers is enough, and the daemon thread ends with the benchmark.
    return f"http://127.0.0.1:{server.effective_port}", server.task_dispatcher.shutdown


def complete(client: Client, task_id: int) -> None:
    status = client.post(f"/tasks/{task_id}", {"basistaken": "1250", "toelichting": "Bench."})
    assert status == 302, f"completing task {task_id} answered {status}"


def one_client(base: str, task_ids: list[int]) -> list[float]:
    """The completions' times, each POST alone (the page it leads to is asked for after)."""
    client = Client(base, "bench0")
    times = []
    for i, task_id in enumerate(task_ids):
        start = time.perf_counter()
        complete(client, task_id)
        if i >= 20:  # after a warm-up
            times.append((time.perf_counter() - start) * 1000)
        client.follow()
    return times


def four_clients(base: str, task_ids: list[int]) -> float:
    """Completions per second with four clients, each on its own share of the tasks."""
    clients = [Client(base, f"bench{i}") for i in range(CLIENTS)]
    shares = [task_ids[i::CLIENTS] for i in range(CLIENTS)]
    threads = [threading.Thread(target=lambda c=c, s=s: [(complete(c, t), c.follow())
                                                         for t in s])
               for c, s in zip(clients, shares, strict=True)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(task_ids) / (time.perf_counter() - start)


def measure(label: str, db: Database, n: int, raw_ms: float) -> None:
    task_ids = prepared(db, 2 * n + 20)
    base, stop = serving(db)
    try:
        times = one_client(base, task_ids[:n + 20])
        concurrent = four_clients(base, task_ids[n + 20:])
    finally:
        stop()
    median = statistics.median(times)
    print(f"{label:<10} one client   completion median {median:6.2f} ms  "
          f"({1000 / statistics.mean(times):5.0f}/s)  ÷ raw {median / raw_ms:5.1f}"
          f"   goal <= {GOAL_MS} ms: {'met' if median <= GOAL_MS else 'MISSED'}")
    print(f"{label:<10} {CLIENTS} clients    {concurrent:5.0f} completions/s (each with the page "
          "it leads to)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    arguments = parser.parse_args()
    logging.getLogger("waitress").setLevel(logging.ERROR)
    raw = statistics.median(timed(raw_step(), 300, 30))
    print(f"raw SpiffWorkflow step, same run: median {raw:.3f} ms")
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        measure("SQLite", db, arguments.n, raw)
        db.dispose()
    with fresh_database() as url:
        db = Database(url)
        measure("PostgreSQL", db, arguments.n, raw)
        db.dispose()


if __name__ == "__main__":
    main()
