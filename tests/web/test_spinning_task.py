"""A task whose next step spins, clicked again and again on the real server: the step stops at
the CPU limit, the instance fails, and the server goes on answering everybody else."""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from http.cookiejar import CookieJar

import pytest
import time_machine
from flask import Flask
from waitress.server import create_server

from engine import deploy, instances, tasks
from engine.db import Database
from engine.limits import limits_set

from ..conftest import make_user
from ..engine.hostile_diagrams import diagram, flow, script_task, user_task

NOVEMBER = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CLICKS = 7


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app behind waitress with its eight threads, as ``govflow serve`` runs it."""
    served = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{served.effective_port}"
    served.close()
    thread.join(timeout=5)


class Browser:
    """One signed-in person: a cookie jar and the CSRF token of the last page."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.post("/sign-in", {"username": username, "password": "password-" + username},
                  page="/sign-in")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    def post(self, path: str, data: dict[str, str], page: str) -> int:
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.get(page)[1]).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code


@pytest.mark.timing
def test_clicks_on_a_spinning_task_leave_the_server_answering(db: Database, server: str) -> None:
    spin = (user_task("Invullen", outgoing="f0") + flow("f0", "x", "s")
            + script_task("while True: pass", name="Rekenen", id="s", incoming="f0"))
    with time_machine.travel(NOVEMBER), limits_set(cpu_seconds=2):
        make_user(db, "mia", "Manager ZVH")
        make_user(db, "bert", "Manager ZVH")
        deploy.deploy_sources(db, [diagram("spin", spin, last="s", in_lane=("x", "s")),
                                   diagram("calm", user_task("Lezen"), in_lane=("x",))], "t")
        spinning = instances.start_instance(db, "spin", actor="mia")
        calm = instances.start_instance(db, "calm", actor="bert")
        [mias] = tasks.tasks_of_instance(db, spinning.id)
        [berts] = tasks.tasks_of_instance(db, calm.id)
        mia, bert = Browser(server, "mia"), Browser(server, "bert")
        statuses: list[int] = []

        def click() -> None:
            statuses.append(mia.post(f"/tasks/{mias.id}", {}, page=f"/tasks/{mias.id}"))

        clicks = [threading.Thread(target=click) for _ in range(CLICKS)]
        for thread in clicks:
            thread.start()
        threading.Event().wait(0.5)  # the clicks are in their steps, spinning
        answers = {}
        for path, who in (("/health", bert), (f"/tasks/{berts.id}", bert)):
            began = time.monotonic()
            status, _page = who.get(path)
            answers[path] = (status, time.monotonic() - began)
        still_spinning = len(statuses) < CLICKS
        for thread in clicks:
            thread.join()
    assert still_spinning, "the answers were measured while the clicks spun"
    for path, (status, seconds) in answers.items():
        assert status == 200 and seconds < 1.0, (path, status, seconds)
    assert len(statuses) == CLICKS and 500 not in statuses
    failed = instances.get_instance(db, spinning.id)
    assert failed.status == "failed"
    assert '"Rekenen"' in failed.error and "CPU-time limit of 2 s" in failed.error
    assert tasks.get_task(db, mias.id).state == "open"
