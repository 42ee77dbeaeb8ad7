"""What the manager's pages cost on a large PostgreSQL database: 100,000 instances,
1,000,000 task rows and an audit trail of about 1,000,000 events, bulk inserted (the pages
read projections, so how the rows were made does not matter), then the manager's pages timed
for the Manager ZVH through the app, as a browser would ask for them.

Run from the project root after ``make install``:
``.venv/bin/python bench/dashboard.py [--url postgresql+psycopg://...] [--n 50]``.
Without ``--url`` it makes a fresh database on 127.0.0.1:5432 and drops it afterwards.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

import workflows
from engine import deploy, schema
from engine.db import Database
from web import create_app
from workflows.seed import seed

ROOT = Path(__file__).parents[1]
INSTANCES = 100_000
TASKS_PER_INSTANCE = 10
PASSWORD = "bench-password"
PAGES = ("/overzicht", "/overzicht?te_laat=1", "/overzicht?proces=budget_cycle&status=waiting",
         "/overzicht?formaat=csv&te_laat=1", "/overzicht/te-laat",
         "/overzicht/vergaderfrequentie", "/overzicht/jaarcijfers")


@contextmanager
def fresh_database() -> Iterator[str]:
    server = "postgresql+psycopg://postgres@127.0.0.1:5432"
    name = f"govflow_bench_{os.getpid()}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


# Instances spread over eight years up to now. Cycles of past years are over (completed, or
# now and then failed or cancelled); of the last year's, a third still waits for a task.
_INSTANCES = """
INSERT INTO process_instances (definition_id, process_key, title, status, stage, scope,
    state_format, workflow_json, lock_version, started_at, started_by, ended_at,
    next_timer_at, next_timer_name, dated_on)
SELECT d.id, d.key, d.name || ' ' || g, s.status, 'Stand ' || (g % 7), sc.scope, 1, '{}', 1,
       now() - make_interval(days => g % 2900, hours => g % 24),
       'manager.zvh',
       CASE WHEN s.status IN ('completed', 'cancelled', 'failed')
            THEN now() - make_interval(days => g % 2900) + interval '20 days' END,
       CASE WHEN s.status = 'waiting' THEN now() + make_interval(days => g % 40) END,
       CASE WHEN s.status = 'waiting' THEN 'Herinnering' END,
       -- a meeting is about the day six weeks after its preparation started
       CASE WHEN d.key = 'meeting'
            THEN (now() - make_interval(days => g % 2900 - 42))::date END
FROM generate_series(1, :n) AS g
JOIN LATERAL (SELECT id, key, name FROM process_definitions
              ORDER BY id OFFSET (g % (SELECT count(*) FROM process_definitions)) LIMIT 1) d
  ON true
CROSS JOIN LATERAL (SELECT CASE WHEN g % 2900 < 365 AND g % 3 = 0 THEN 'waiting'
                                WHEN g % 97 = 0 THEN 'failed'
                                WHEN g % 89 = 0 THEN 'cancelled'
                                ELSE 'completed' END AS status) s
CROSS JOIN LATERAL (SELECT CASE WHEN d.key IN ('meeting', 'decision')
                                THEN (ARRAY['stamtafel', 'regiekamer', 'stuurgroep', 'dvo',
                                            'regiegroep_gedwongen_zorg'])[1 + g % 5]
                           END AS scope) sc
"""

# Ten tasks per instance; the last one of a waiting instance is open, due within a month
# from five days ago (so about one in six is late).
_TASKS = """
INSERT INTO human_tasks (instance_id, spiff_task_id, element_id, name, role, state, assignee,
    personal, due_at, created_at, completed_at, completed_by)
SELECT i.id, md5(i.id || '-' || t)::uuid::text,
       CASE WHEN i.process_key = 'meeting' AND t = 1 THEN 'plannen'
            WHEN i.process_key = 'meeting' AND t = 2 THEN 'aanwezigheid'
            ELSE 'taak_' || t END,
       'Taak ' || t,
       (ARRAY['Manager ZVH', 'Portefeuillehouder', 'Secretaris', 'Lid'])[1 + (i.id + t) % 4],
       CASE WHEN i.status = 'waiting' AND t = :per THEN 'open' ELSE 'completed' END,
       CASE WHEN (i.id + t) % 3 = 0 THEN 'lid.' || (i.id % 50) END,
       false,
       CASE WHEN i.status = 'waiting' AND t = :per
            THEN now() + make_interval(days => (i.id % 30) - 5)
            ELSE i.started_at + make_interval(days => 7 * t) END,
       i.started_at + make_interval(days => t),
       CASE WHEN NOT (i.status = 'waiting' AND t = :per)
            THEN i.started_at + make_interval(days => 6 * t) END,
       CASE WHEN NOT (i.status = 'waiting' AND t = :per) THEN 'lid.' || (i.id % 50) END
FROM process_instances i CROSS JOIN generate_series(1, :per) AS t
"""

# The audit trail: each start, and each completed task with the data entered (a meeting's
# planning carries its date, which the frequency page reads).
_AUDIT = """
INSERT INTO audit_events (at, actor, kind, instance_id, task_id, details)
SELECT i.started_at, i.started_by, 'instance_started', i.id, NULL,
       json_build_object('title', i.title, 'data', json_build_object())
FROM process_instances i
UNION ALL
SELECT t.completed_at, t.completed_by, 'task_completed', t.instance_id, t.id,
       json_build_object('data', CASE WHEN t.element_id = 'plannen'
           THEN json_build_object('vergaderdatum', to_char(t.completed_at + interval '14 days',
                                                           'YYYY-MM-DD'))
           ELSE json_build_object('akkoord', true) END)
FROM human_tasks t WHERE t.state = 'completed'
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
        connection.execute(text(_AUDIT))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    with db.engine.connect() as connection:
        counts = [connection.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("process_instances", "human_tasks", "audit_events")]
    print(f"loaded {counts[0]:,} instances, {counts[1]:,} task rows and {counts[2]:,} audit "
          f"events in {time.perf_counter() - start:.0f} s")


def signed_in(client: FlaskClient, username: str) -> FlaskClient:
    page = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    response = client.post("/sign-in", data={"csrf_token": token.group(1),
                                             "username": username, "password": PASSWORD})
    assert response.status_code == 302, f"sign-in of {username} failed"
    return client


def time_pages(db: Database, n: int) -> None:
    app = create_app({"DATABASE_URL": db.url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    client = signed_in(app.test_client(), "manager.zvh")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        times = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        print(f"{path:<32} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms "
              f"over {n} requests ({len(response.data) / 1024:.0f} KiB)")


def run(load: Callable[[Database], None], measure: Callable[[Database, int], None]) -> None:
    """Load a database (given by --url, or a fresh one dropped afterwards), then measure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a fresh one)")
    parser.add_argument("--n", type=int, default=50)
    arguments = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    if arguments.url:
        db = Database(arguments.url)
        load(db)
        measure(db, arguments.n)
        return
    with fresh_database() as url:
        db = Database(url)
        load(db)
        measure(db, arguments.n)
        db.engine.dispose()


def main() -> None:
    run(load, time_pages)


if __name__ == "__main__":
    main()
