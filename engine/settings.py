"""Where the database is: DATABASE_URL, or an SQLite file in the instance folder."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
INSTANCE_PATH = Path(os.environ.get("GOVFLOW_INSTANCE_PATH") or PROJECT_ROOT / "instance")


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_PATH / 'govflow.sqlite3'}"
