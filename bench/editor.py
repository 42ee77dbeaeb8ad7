"""What the process owner's editor costs: the bundle's size, the server's check of the largest
catalogue diagram (the same checks as deploy, which the editor calls as the owner draws), and
the editor page's load time on loopback until the diagram is drawn and linted.

Run from the project root after ``make install``: ``.venv/bin/python bench/editor.py [--n 20]``.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import Browser, Page
from werkzeug.serving import make_server

import workflows
from engine import deploy, drafts, identity, schema
from engine.db import Database
from engine.process_owners import PROCESS_OWNER_ROLE
from engine.roles import ensure_roles
from web import create_app
from workflows.catalogue import ROLES

ROOT = Path(__file__).parents[1]
BUILD = ROOT / "web" / "static" / "build"
CHROMIUM = "/usr/bin/chromium"


def bundle_sizes() -> None:
    for path in sorted(BUILD.glob("*.js")) + sorted(BUILD.glob("*.css")):
        data = path.read_bytes()
        print(f"{path.name:<14} {len(data) / 1024:8.0f} KiB  "
              f"{len(gzip.compress(data, 9)) / 1024:6.0f} KiB gzipped")


def server_check(db: Database, n: int) -> None:
    largest = max(ROOT.glob("bpmn/*.bpmn"), key=lambda p: p.stat().st_size)
    key = largest.stem
    with db.reading() as session:
        resources = drafts.editable(session, key).resources
    xml = largest.read_text()
    times = []
    for i in range(n):
        changed = xml.replace("</bpmn:definitions>", f"<!-- {i} --></bpmn:definitions>")
        start = time.perf_counter()
        problems = drafts.check_diagram(db, key, changed, resources)
        times.append((time.perf_counter() - start) * 1000)
        assert problems == [], problems
    print(f"server check of {largest.name} ({largest.stat().st_size / 1024:.0f} KiB): "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {n}")


def page_load(db: Database, n: int) -> None:
    from playwright.sync_api import sync_playwright  # only this part needs a browser

    app = create_app({"DATABASE_URL": db.url, "SECRET_KEY": "bench"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        for cache in ("cold", "warm"):
            for key in ("meeting", "budget_cycle"):
                times = []
                page = _signed_in(browser, base)
                for _ in range(n):
                    if cache == "cold":  # a new browser context has an empty cache
                        page.context.close()
                        page = _signed_in(browser, base)
                    start = time.perf_counter()
                    page.goto(f"{base}/processen/{key}/bewerken")
                    page.locator("#problems-summary:not(:empty)").wait_for()
                    times.append((time.perf_counter() - start) * 1000)
                page.context.close()
                print(f"editor page {key}, {cache} cache: median "
                      f"{statistics.median(times):.0f} ms, max {max(times):.0f} ms over {n} "
                      "loads (until drawn and linted)")
        browser.close()
    server.shutdown()


def _signed_in(browser: Browser, base: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(base + "/sign-in")
    page.get_by_label("Gebruikersnaam").fill("olga")
    page.get_by_label("Wachtwoord").fill("bench-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen").click()
    return page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    n = parser.parse_args().n
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    workflows.init_app(None)
    folder = tempfile.mkdtemp()
    db = Database(f"sqlite:///{folder}/bench.sqlite3")
    schema.upgrade(db)
    with db.transaction() as session:
        ensure_roles(session, ROLES)
    identity.add_user(db, "olga", password="bench-password", roles=(PROCESS_OWNER_ROLE,))
    deploy.deploy(db, [ROOT / "bpmn"], "bench")
    bundle_sizes()
    server_check(db, n)
    page_load(db, n)


if __name__ == "__main__":
    main()
