"""Settings: defaults, overridden by the environment (GOVFLOW_*, DATABASE_URL)."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from engine.settings import INSTANCE_PATH, database_url


def _secret_key() -> str:
    """A stable secret for sessions: from the environment, else kept in the instance folder."""
    if os.environ.get("GOVFLOW_SECRET_KEY"):
        return os.environ["GOVFLOW_SECRET_KEY"]
    path = Path(INSTANCE_PATH) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    DATABASE_URL = database_url()
    SECRET_KEY = None  # filled in lazily by create_app, so importing this writes nothing
    SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("GOVFLOW_SCHEDULER_INTERVAL") or 30)
    DEMO_PASSWORD = os.environ.get("GOVFLOW_DEMO_PASSWORD") or "welkom-govflow"
    BPMN_PATH = os.environ.get("GOVFLOW_BPMN_PATH") or str(Path(__file__).parents[1] / "bpmn")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure is also set on every request that came over HTTPS (web/auth.py); this forces it.
    SESSION_COOKIE_SECURE = bool(os.environ.get("GOVFLOW_SECURE_COOKIES"))
    # Sign-in attempts allowed per address (whatever the username), per address and username
    # (a success clears the count), and failures per username from anywhere, after which
    # each attempt for that user waits and a wrong password is refused, but the right one
    # still signs in (web/sign_in_limit.py; notation "5 per minute", "20/hour").
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("GOVFLOW_LOGIN_ADDRESS_RATE_LIMIT") or "30 per minute"
    LOGIN_RATE_LIMIT = os.environ.get("GOVFLOW_LOGIN_RATE_LIMIT") or "5 per minute"
    LOGIN_USER_RATE_LIMIT = os.environ.get("GOVFLOW_LOGIN_USER_RATE_LIMIT") or "20 per minute"
    LOGIN_USER_DELAY_SECONDS = float(os.environ.get("GOVFLOW_LOGIN_USER_DELAY") or 1)
    # A session lapses after this long without a request.
    PERMANENT_SESSION_LIFETIME = timedelta(
        hours=float(os.environ.get("GOVFLOW_SESSION_HOURS") or 8))
    # The CSRF token lives as long as the session (no separate clock that loses typed text).
    WTF_CSRF_TIME_LIMIT = None
    # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust (0: none).
    PROXY_COUNT = int(os.environ.get("GOVFLOW_PROXY_COUNT") or 0)
    # Test runs of drafts: one SQLite file each, apart from the live database.
    TEST_RUN_FOLDER = os.environ.get("GOVFLOW_TEST_RUN_FOLDER") or None
    # Mail (web/mail): without a host the mail waits in the outbox. Links in mail and in the
    # calendar feed start with BASE_URL, the address people reach the app at.
    SMTP_HOST = os.environ.get("GOVFLOW_SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("GOVFLOW_SMTP_PORT") or 25)
    SMTP_STARTTLS = os.environ.get("GOVFLOW_SMTP_STARTTLS", "").lower() in ("1", "true", "yes")
    SMTP_USER = os.environ.get("GOVFLOW_SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("GOVFLOW_SMTP_PASSWORD") or None
    MAIL_FROM = os.environ.get("GOVFLOW_MAIL_FROM") or "govflow <noreply@govflow.example>"
    BASE_URL = os.environ.get("GOVFLOW_BASE_URL") or "http://127.0.0.1:5000"
    # Papers attached at a task: the most one file and all files of one submission may weigh,
    # and where they are kept (none: in the database).
    FILE_MAX_MB = float(os.environ.get("GOVFLOW_FILE_MAX_MB") or 20)
    TASK_FILES_MAX_MB = float(os.environ.get("GOVFLOW_TASK_FILES_MAX_MB") or 50)
    FILES_FOLDER = os.environ.get("GOVFLOW_FILES_FOLDER") or None
    # A request may carry the files of one task and its form; a larger one gets a clear page.
    MAX_CONTENT_LENGTH = int((TASK_FILES_MAX_MB + 1) * 1024 * 1024)
