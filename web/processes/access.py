"""Who may do what on the process owners' pages: everyone signed in looks, process owners
change. The rule itself is the engine's (``engine.process_owners``), as the API's will be."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from engine.process_owners import is_process_owner

from ..database import get_db


def may_change_processes() -> bool:
    if not current_user.is_authenticated:
        return False
    with get_db().reading() as session:
        return is_process_owner(session, current_user.username)


def require_process_owner() -> None:
    """A 403 with the app's error page for anyone but a process owner."""
    if not may_change_processes():
        abort(403)
