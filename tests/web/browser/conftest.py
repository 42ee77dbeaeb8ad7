"""Browser tests: the app served on a free port in a thread, driven by Debian's Chromium through
Playwright (never a downloaded browser), with an axe-core scan of every page a test opens."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("GOVFLOW_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
# axe-core impacts that fail a test (WCAG 2.1 AA: serious and critical must not occur).
FAILING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                      "best-practice"]},
               "resultTypes": ["violations"]}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The test app on 127.0.0.1 and a free port; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


class Pages:
    """One person's browser tab on the live server; every page it lands on is scanned by axe."""

    axe = Axe()

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base
        self.scanned: list[str] = []
        # Parts of the page axe leaves out (a diagram's canvas is a drawing, not a document).
        self.exclude: list[str] = []

    def go(self, path: str) -> int:
        response = self.page.goto(self.base + path)
        self.check_accessibility()
        return response.status if response is not None else 0

    def click(self, role: str, name: str, *, exact: bool = True) -> None:
        """Click a button or link that loads a page, then scan the page it lands on."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=exact).first.click()
        self.check_accessibility()

    def sign_in(self, username: str, password: str | None = None) -> None:
        self.go("/sign-in")
        self.page.get_by_label("Gebruikersnaam").fill(username)
        self.page.get_by_label("Wachtwoord").fill(password or "password-" + username)
        self.click("button", "Inloggen")

    def sign_out(self) -> None:
        self.click("button", "Uitloggen")

    def open_task(self, name: str) -> None:
        self.go("/tasks")
        self.click("link", name)

    def check_accessibility(self) -> None:
        context = {"exclude": [[selector] for selector in self.exclude]} if self.exclude else None
        results = self.axe.run(self.page, context=context, options=AXE_OPTIONS)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
               for v in results.response["violations"] if v["impact"] in FAILING_IMPACTS]
        assert not bad, f"axe found serious violations on {self.page.url}: {bad}"
        self.scanned.append(self.page.url)


@contextmanager
def browser_tab(browser: Browser, base: str) -> Iterator[Pages]:
    """A tab in a browser context of its own: its own cookies, so its own signed-in user."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Pages(page, base)
    context.close()


@pytest.fixture
def pages(browser: Browser, live_server: str) -> Iterator[Pages]:
    with browser_tab(browser, live_server) as tab:
        yield tab
