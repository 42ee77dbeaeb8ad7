"""Users, roles and role assignments: who may do the work of a lane."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .clock import today
from .db import Database
from .errors import Conflict, InvalidInput, NotFound
from .models import Role, RoleAssignment, User

# The role that administers the system (cancels any instance, manages users).
ADMIN_ROLE = "Beheerder"

_hasher = PasswordHasher()
# Verified against when the user is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def ensure_roles(session: Session, roles: Iterable[tuple[str, str | None]]) -> None:
    """Make roles known (name, description); existing ones keep their row."""
    known = set(session.scalars(select(Role.name)))
    for name, description in roles:
        if name not in known:
            session.add(Role(name=name, description=description))
            known.add(name)


def add_user(db: Database, username: str, *, display_name: str | None = None,
             email: str | None = None, password: str | None = None,
             roles: Iterable[str] = (), scope: str | None = None,
             actor: str | None = None) -> tuple[User, str]:
    """Create a user holding ``roles`` from today; returns the user and its password."""
    username = username.strip()
    if not username or any(c.isspace() for c in username):
        raise InvalidInput("a username must be one word without spaces",
                           {"username": "no spaces allowed"})
    password = password or secrets.token_urlsafe(12)
    if len(password) < 8:
        raise InvalidInput("a password needs at least 8 characters",
                           {"password": "at least 8 characters"})
    with db.transaction() as session:
        if session.scalars(select(User).where(User.username == username)).first():
            raise Conflict(f"user {username!r} already exists")
        user = User(username=username, display_name=display_name or username, email=email,
                    password_hash=_hasher.hash(password))
        session.add(user)
        for role in roles:
            _assign(session, user, role, scope, today(), None)
        session.flush()
        audit.record(session, "user_added", actor,
                     details={"username": username, "roles": list(roles), "scope": scope})
    return user, password


def assign_role(db: Database, username: str, role: str, *, scope: str | None = None,
                valid_from: date | None = None, valid_until: date | None = None,
                actor: str | None = None) -> RoleAssignment:
    with db.transaction() as session:
        user = _require_user(session, username)
        assignment = _assign(session, user, role, scope, valid_from or today(), valid_until)
        audit.record(session, "role_assigned", actor,
                     details={"username": username, "role": role, "scope": scope,
                              "valid_from": assignment.valid_from.isoformat(),
                              "valid_until": valid_until.isoformat() if valid_until else None})
    return assignment


def _assign(session: Session, user: User, role: str, scope: str | None, valid_from: date,
            valid_until: date | None) -> RoleAssignment:
    if session.get(Role, role) is None:
        known = ", ".join(sorted(session.scalars(select(Role.name)))) or "none yet"
        raise InvalidInput(f"unknown role {role!r}; known roles: {known}", {"role": "unknown"})
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput("a role assignment cannot end before it starts",
                           {"valid_until": "before valid_from"})
    assignment = RoleAssignment(role=role, scope=scope, valid_from=valid_from,
                                valid_until=valid_until)
    user.assignments.append(assignment)
    return assignment


def _require_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def require_active_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None or not user.is_active:
        raise NotFound(f"no active user {username!r}")
    return user


def held_roles(session: Session, username: str, on: date | None = None) -> list[RoleAssignment]:
    """The role assignments a user holds on a day (today by default)."""
    day = on or today()
    user = find_user(session, username)
    if user is None or not user.is_active:
        return []
    return [a for a in user.assignments if a.is_valid_on(day)]


def holds_role(session: Session, username: str, role: str | None, scope: str | None = None,
               on: date | None = None) -> bool:
    """True when the user holds ``role``, unscoped or for ``scope``, on the day."""
    if role is None:
        return False
    day = on or today()
    # One query for just this role's assignments (on every claim and completion).
    assignments = session.scalars(
        select(RoleAssignment).join(User)
        .where(User.username == username, User.is_active.is_(True), RoleAssignment.role == role)
    )
    return covers([a for a in assignments if a.is_valid_on(day)], role, scope)


def covers(assignments: Iterable[RoleAssignment], role: str | None, scope: str | None) -> bool:
    """True when one of the assignments is for ``role``, unscoped or for ``scope``."""
    return role is not None and any(
        a.role == role and (a.scope is None or a.scope == scope) for a in assignments)


def verify_password(db: Database, username: str, password: str) -> User | None:
    """The active user with this password, or None; unknown and wrong take the same time."""
    with db.reading() as session:
        user = find_user(session, username)
        stored = user.password_hash if user is not None and user.is_active else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return user if stored else None


def end_sessions(db: Database, username: str) -> None:
    """Sign the user out everywhere: every session made before no longer counts."""
    with db.transaction() as session:
        user = _require_user(session, username)
        user.session_version += 1
        audit.record(session, "sessions_ended", username, details={"username": username})


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
