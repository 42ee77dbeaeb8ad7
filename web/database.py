"""The engine database, bound to the Flask application."""

from __future__ import annotations

from flask import Flask, current_app

from engine.db import Database

_KEY = "govflow.db"


def init_app(app: Flask) -> None:
    app.extensions[_KEY] = Database(app.config["DATABASE_URL"])


def get_db() -> Database:
    return current_app.extensions[_KEY]
