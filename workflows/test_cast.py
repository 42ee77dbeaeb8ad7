"""The people of a test run: the demo cast (``seed.DEMO_USERS``) and the partner organisations,
written straight into the run's own database.

Nobody signs in to a run (the process owner acts as them), so the cast has no passwords, which
also keeps a new run fast. A lane whose role nobody of the cast holds (a role a process owner
added for a new lane) gets a stand-in, so that every task of a draft has somebody to do it.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import today
from engine.db import Database
from engine.models import Role, RoleAssignment, User
from engine.roles import ensure_roles, held_form

from .catalogue import ROLES
from .organisations import seed_organisations
from .seed import DEMO_USERS


def seed_cast(db: Database, lanes: set[str]) -> None:
    """The roles, organisations and demo people, each holding their roles from today, and a
    stand-in for each unscoped lane role in ``lanes`` that none of them holds."""
    with db.transaction() as session:
        ensure_roles(session, ROLES)
        session.flush()
        seed_organisations(session)
        taken = set(session.scalars(select(User.username)))
        for demo in DEMO_USERS:
            if demo.username not in taken:
                _add(session, demo.username, demo.name, demo.roles)
        session.flush()
        for role in sorted(_unheld(session, lanes)):
            _add(session, _stand_in_name(role), f"Proefpersoon {role}", ((role, None),))


def _add(session: Session, username: str, name: str,
         roles: tuple[tuple[str, str | None], ...]) -> None:
    user = User(username=username, display_name=name)
    for role, scope in roles:
        held, held_scope = held_form(session, role, scope)
        user.assignments.append(RoleAssignment(role=held, scope=held_scope, valid_from=today()))
    session.add(user)


def _unheld(session: Session, lanes: set[str]) -> set[str]:
    """The lane roles that need no body and that nobody holds."""
    held = set(session.scalars(select(RoleAssignment.role)))
    roles = {r.name: r for r in session.scalars(select(Role).where(Role.name.in_(lanes)))}
    return {name for name, role in roles.items()
            if role.base_role is None and not role.needs_scope and name not in held}


def _stand_in_name(role: str) -> str:
    plain = unicodedata.normalize("NFKD", role).encode("ascii", "ignore").decode().lower()
    return "proef." + (re.sub(r"[^a-z0-9]+", ".", plain).strip(".") or "rol")
