"""Security headers: a strict Content-Security-Policy, no framing or sniffing, a same-origin
referrer, HSTS only over HTTPS, and pages that a browser never stores (static files it may)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.db import Database
from web import create_app

from .test_inbox import draft_id, sign_in, start_cycle

WEB = Path(__file__).parents[2] / "web"
TEMPLATES = sorted([*WEB.glob("templates/**/*.html"), *WEB.glob("*/templates/**/*.html")])


def policy(response: TestResponse) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    parts = (p.strip().split(" ", 1) for p in response.headers["Content-Security-Policy"]
             .split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts if p[0]}


def assert_secure_headers(response: TestResponse) -> None:
    csp = policy(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["base-uri"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["form-action"] == "'self'"
    assert not any("unsafe" in sources for sources in csp.values())
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def assert_not_stored(response: TestResponse) -> None:
    assert response.headers["Cache-Control"] == "no-store"


def test_signed_in_pages_have_the_headers_and_are_never_stored(
        db: Database, client: FlaskClient) -> None:
    start_cycle(db)
    sign_in(client, "mia")
    for path in ("/tasks", f"/tasks/{draft_id(db)}"):
        page = client.get(path)
        assert page.status_code == 200
        assert_secure_headers(page)
        assert_not_stored(page)
        assert "Strict-Transport-Security" not in page.headers  # plain HTTP


def test_the_sign_in_page_and_redirects_have_the_headers(client: FlaskClient) -> None:
    page = client.get("/sign-in")
    assert_secure_headers(page)
    assert_not_stored(page)  # it carries a CSRF token
    redirect = client.get("/tasks")
    assert redirect.status_code == 302
    assert_secure_headers(redirect)


def test_error_pages_have_the_headers(db: Database, client: FlaskClient) -> None:
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert_secure_headers(missing)
    assert_not_stored(missing)
    start_cycle(db)
    sign_in(client, "mia")
    not_hers = client.get("/tasks/999999")  # the page shows who is signed in
    assert not_hers.status_code == 404
    assert_secure_headers(not_hers)
    assert_not_stored(not_hers)
    assert_not_stored(client.get("/static/no-such-file.css"))


def test_static_files_have_the_headers_and_may_be_cached(client: FlaskClient) -> None:
    with client.get("/static/govflow.css") as css:
        assert css.status_code == 200
        assert_secure_headers(css)
        assert "no-store" not in css.headers.get("Cache-Control", "")
        etag = css.headers["ETag"]  # kept, and revalidated by it
    with client.get("/static/govflow.css", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert "no-store" not in again.headers.get("Cache-Control", "")


def test_hsts_only_over_https(client: FlaskClient) -> None:
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_secure_headers(secure)
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers


@pytest.mark.parametrize(("proto", "expected"), [("https", True), ("http", False)])
def test_hsts_behind_a_trusted_proxy(app: Flask, proto: str, expected: bool) -> None:
    proxied = create_app({**app.config, "PROXY_COUNT": 1}).test_client()
    response = proxied.get("/sign-in", headers={"X-Forwarded-Proto": proto,
                                                "X-Forwarded-For": "10.0.0.1"})
    assert ("Strict-Transport-Security" in response.headers) is expected


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template: Path) -> None:
    """What the policy would refuse: an inline script, an event handler, a style attribute.
    A JSON data block (``type="application/json"``) is data, never run, and allowed."""
    html = template.read_text()
    assert not re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', html,
                         re.IGNORECASE)
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE)
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE)
    assert not re.search(r"<style\b", html, re.IGNORECASE)
    assert "javascript:" not in html.lower()
