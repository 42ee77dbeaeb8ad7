"""Demo data: the role catalogue and one demo user per role."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from engine.db import Database
from engine.identity import add_user, ensure_roles
from engine.models import User

from .catalogue import ROLES
from .organisations import seed_organisations


def demo_username(role: str) -> str:
    """'Manager ZVH' -> 'manager.zvh'; 'Informatiecoördinator' -> 'informatiecoordinator'."""
    plain = unicodedata.normalize("NFKD", role).encode("ascii", "ignore").decode()
    return ".".join(plain.lower().split())


def seed(db: Database, demo_password: str) -> list[tuple[str, str, bool]]:
    """Create the roles, partner organisations and demo users that are missing.

    Returns (username, role, created) per demo user.
    """
    with db.transaction() as session:
        ensure_roles(session, ROLES)
        seed_organisations(session)
        existing = set(session.scalars(select(User.username)))
    result = []
    for role, _description in ROLES:
        username = demo_username(role)
        created = username not in existing
        if created:
            add_user(db, username, display_name=f"Demo {role}", password=demo_password,
                     roles=[role], actor="seed")
        result.append((username, role, created))
    return result
