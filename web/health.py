"""The health endpoint: is the application up, its database reachable and migrated, and its
scheduler completing runs?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from engine.heartbeat import scheduler_state
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
    state = scheduler_state(get_db())
    if state.stalled:
        return jsonify(status="error", database="ok",
                       scheduler=f"stalled: no run completed for {state.seconds_since_run} s "
                                 f"(one every {state.interval_seconds} s expected)"), 503
    return jsonify(status="ok", database="ok",
                   scheduler="ok" if state.seen else "no run completed yet")
