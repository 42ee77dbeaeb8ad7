"""The health endpoint: is the application up and its database reachable and migrated?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from engine.schema import is_current

from .database import get_db

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    try:
        migrated = is_current(get_db())
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503
    if not migrated:
        return jsonify(status="error", database="not migrated (run govflow migrate)"), 503
    return jsonify(status="ok", database="ok")
