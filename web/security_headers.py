"""Security headers on every response: a strict Content-Security-Policy, no framing, no MIME
sniffing, a same-origin referrer, HSTS over HTTPS, and ``no-store`` on every page.

A small after-request hook rather than Flask-Talisman: its last release (1.1.0, August 2023)
predates Flask 3, and what we need is a handful of fixed headers plus two per-request choices.

The policy allows scripts and styles from the app's own origin only (``/static``), so the
bpmn-js bundle that esbuild will build works, while no inline script, event handler or style
attribute does. Images may also be ``data:`` URIs: bpmn-js draws its bpmn.io watermark (which
its licence asks to keep visible) and the properties panel its icons that way.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
FIXED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# A year; without includeSubDomains, so other hosts of the domain are not forced to HTTPS.
HSTS_SECONDS = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    app.config.setdefault("HSTS_SECONDS", HSTS_SECONDS)
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    for name, value in FIXED_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:  # a browser ignores HSTS over plain HTTP; say it only over HTTPS
        seconds = int(current_app.config["HSTS_SECONDS"])
        response.headers["Strict-Transport-Security"] = f"max-age={seconds}"
    if not _is_static_file(response):
        # Pages show meeting content, names and CSRF tokens: never kept by a browser or proxy.
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_static_file(response: Response) -> bool:
    """A file of /static that was found (cacheable: Flask revalidates it by its ETag)."""
    return request.endpoint == "static" and response.status_code in (200, 206, 304)
