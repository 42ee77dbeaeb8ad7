"""The inbox at scale: 100,000 instances with 1,000,000 task rows on PostgreSQL, bulk inserted
as valid projection rows (each task its own: its instance, role, body and dates), then the
inbox's first page and a later one timed through the app for a user of a common role (the
Manager ZVH: about 150,000 open tasks) and of a rare one (the Gespreksleider: about 100).

Goal (issue 15): p95 < 50 ms for each.

Run from the project root after ``make install``:
``.venv/bin/python bench/inbox.py [--url postgresql+psycopg://...] [--n 50]``.
Without ``--url`` it makes a fresh database on 127.0.0.1:5432 and drops it afterwards.
"""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path

from dashboard import PASSWORD, run, signed_in
from sqlalchemy import text

import workflows
from engine import deploy, schema
from engine.db import Database
from web import create_app
from workflows.seed import seed

ROOT = Path(__file__).parents[1]
INSTANCES = 100_000
TASKS_PER_INSTANCE = 10
GOAL_MS = 50
USERS = (("manager.zvh", "common role: Manager ZVH"),
         ("gespreksleider", "rare role: Gespreksleider"))

# Every instance still runs; the network's own processes have no body, a meeting or decision
# has one. Started over the last two years.
_INSTANCES = """
INSERT INTO process_instances (definition_id, process_key, title, status, stage, scope,
    state_format, workflow_json, lock_version, started_at, started_by)
SELECT d.id, d.key, d.name || ' ' || g, 'running', 'Stand ' || (g % 7),
       CASE WHEN d.key IN ('meeting', 'decision')
            THEN (ARRAY['stamtafel', 'regiekamer', 'stuurgroep', 'dvo'])[1 + g % 4] END,
       1, '{}', 1, now() - make_interval(mins => g * 7), 'manager.zvh'
FROM generate_series(1, :n) AS g
JOIN LATERAL (SELECT id, key, name FROM process_definitions
              ORDER BY id OFFSET (g % (SELECT count(*) FROM process_definitions)) LIMIT 1) d
  ON true
"""

# Ten tasks per instance: seven done, three open. Open tasks go to the Manager ZVH most of the
# time, now and then to a body's members or secretary, one in 3,000 to the Gespreksleider; a
# fifth are claimed by someone; some must be done by another than who did the first task.
_TASKS = """
INSERT INTO human_tasks (instance_id, spiff_task_id, element_id, name, role, state, assignee,
    personal, separate_from, due_at, created_at, completed_at, completed_by)
SELECT i.id, md5(i.id || '-' || t)::uuid::text, 'taak_' || t, 'Taak ' || t,
       CASE WHEN t <= 7 THEN 'Manager ZVH'
            WHEN (i.id * 10 + t) % 3000 = 0 THEN 'Gespreksleider'
            WHEN i.scope IS NOT NULL THEN (ARRAY['Lid', 'Secretaris'])[1 + t % 2]
            ELSE 'Manager ZVH' END,
       CASE WHEN t <= 7 THEN 'completed' ELSE 'open' END,
       CASE WHEN t > 7 AND (i.id + t) % 5 = 0 THEN 'lid.' || (i.id % 50) END,
       false,
       CASE WHEN t = 9 AND i.id % 4 = 0 THEN 'taak_1' END,
       i.started_at + make_interval(days => 7 * t),
       i.started_at + make_interval(hours => t),
       CASE WHEN t <= 7 THEN i.started_at + make_interval(hours => t + 1) END,
       CASE WHEN t <= 7 THEN (ARRAY['manager.zvh', 'lid.' || (i.id % 50)])[1 + t % 2] END
FROM process_instances i CROSS JOIN generate_series(1, :per) AS t
"""


def load(db: Database) -> None:
    workflows.init_app(None)
    schema.upgrade(db)
    seed(db, PASSWORD)
    deploy.deploy(db, [ROOT / "bpmn"], "bench")
    start = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(text(_INSTANCES), {"n": INSTANCES})
        connection.execute(text(_TASKS), {"per": TASKS_PER_INSTANCE})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    with db.engine.connect() as connection:
        instances = connection.scalar(text("SELECT count(*) FROM process_instances"))
        rows = connection.scalar(text("SELECT count(*) FROM human_tasks"))
        opened = dict(connection.execute(text(
            "SELECT role, count(*) FROM human_tasks WHERE state = 'open' GROUP BY role")).all())
    print(f"loaded {instances:,} instances and {rows:,} task rows in "
          f"{time.perf_counter() - start:.0f} s; open tasks per role: "
          + ", ".join(f"{role} {n:,}" for role, n in sorted(opened.items())))


def _next(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _timed(client, path: str, n: int) -> tuple[float, float, int, str]:
    response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    return statistics.median(times), p95, len(response.data), response.text


def time_inbox(db: Database, n: int) -> None:
    app = create_app({"DATABASE_URL": db.url, "SECRET_KEY": "bench"})
    for username, described in USERS:
        client = signed_in(app.test_client(), username)
        median, p95, size, html = _timed(client, "/tasks", n)
        caption = re.search(r"<caption>([^<]+)</caption>", html)
        print(f"{described:<28} first page  median {median:6.1f} ms   p95 {p95:6.1f} ms "
              f"({size / 1024:.0f} KiB; {caption.group(1) if caption else 'no tasks'})"
              f"   goal p95 < {GOAL_MS} ms: {'met' if p95 < GOAL_MS else 'MISSED'}")
        later = "/tasks"
        for _ in range(5):  # the sixth page, by following "next"
            later = _next(client.get(later).text) or later
        if later == "/tasks":
            print(f"{described:<28} has one page only")
            continue
        median, p95, size, _html = _timed(client, later, n)
        print(f"{described:<28} sixth page  median {median:6.1f} ms   p95 {p95:6.1f} ms "
              f"({size / 1024:.0f} KiB)"
              f"   goal p95 < {GOAL_MS} ms: {'met' if p95 < GOAL_MS else 'MISSED'}")


def main() -> None:
    run(load, time_inbox)


if __name__ == "__main__":
    main()
