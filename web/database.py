"""The engine database, bound to the Flask application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:  # imported in init_app: SQLAlchemy is not needed to start `govflow --help`
    from engine.db import Database

_KEY = "govflow.db"


def init_app(app: Flask) -> None:
    from engine.db import Database

    app.extensions[_KEY] = Database(app.config["DATABASE_URL"])


def get_db() -> Database:
    return current_app.extensions[_KEY]
