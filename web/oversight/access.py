"""The signed-in user's oversight, and the 403 for those who have none."""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from engine.oversight import NOTHING, Oversight, oversight_of

from ..database import get_db


def current_oversight() -> Oversight:
    """What the signed-in user oversees today (read once per request)."""
    if "oversight" not in g:
        if not current_user.is_authenticated:
            g.oversight = NOTHING
        else:
            with get_db().reading() as session:
                g.oversight = oversight_of(session, current_user.username)
    return g.oversight


def require_oversight() -> Oversight:
    """A 403 with the app's error page for anyone who oversees nothing."""
    oversight = current_oversight()
    if not oversight.any:
        abort(403)
    return oversight
