"""Users, roles and role assignments: who may do the work of a lane."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .clock import today
from .db import Database
from .errors import Conflict, InvalidInput, NotFound
from .models import Role, RoleAssignment, User
from .roles import covers, held_form

# The role that administers the system (cancels any instance, manages users).
ADMIN_ROLE = "Beheerder"

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the user is unknown, so both failures take the same time. Made
    at the first sign-in, not at import: hashing takes a fifth of a second, which every
    ``govflow`` command that imports this module (and signs no one in) would wait for."""
    return _hasher.hash(secrets.token_urlsafe(16))


def add_user(db: Database, username: str, *, display_name: str | None = None,
             email: str | None = None, password: str | None = None,
             roles: Iterable[str | tuple[str, str | None]] = (), scope: str | None = None,
             actor: str | None = None) -> tuple[User, str]:
    """Create a user holding ``roles`` from today, each for ``scope`` or for the scope paired
    with it (``("Lid", "stamtafel")``); returns the user and its password."""
    pairs = [(r, scope) if isinstance(r, str) else r for r in roles]
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
        held = [_assign(session, user, role, role_scope, today(), None)
                for role, role_scope in pairs]
        session.flush()
        audit.record(session, "user_added", actor, details={
            "username": username, "roles": [a.role for a in held], "scope": scope,
            "assignments": [{"role": a.role, "scope": a.scope} for a in held]})
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
    role, scope = held_form(session, role, scope)
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput("a role assignment cannot end before it starts",
                           {"valid_until": "before valid_from"})
    for held in user.assignments:
        if held.role == role and held.scope == scope and _overlap(held, valid_from, valid_until):
            raise Conflict(f"{user.username} already holds {_described(role, scope)} from "
                           f"{held.valid_from.isoformat()}"
                           + (f" until {held.valid_until.isoformat()}" if held.valid_until else ""))
    assignment = RoleAssignment(role=role, scope=scope, valid_from=valid_from,
                                valid_until=valid_until)
    user.assignments.append(assignment)
    return assignment


def _overlap(held: RoleAssignment, start: date, end: date | None) -> bool:
    return (end is None or held.valid_from <= end) and (
        held.valid_until is None or start <= held.valid_until)


def _described(role: str, scope: str | None) -> str:
    return f"{role!r} for {scope!r}" if scope else repr(role)


def end_role(db: Database, username: str, role: str, *, scope: str | None = None,
             last_day: date | None = None, actor: str | None = None) -> RoleAssignment:
    """End the user's assignment of ``role`` (for ``scope``) after ``last_day`` (default:
    today, so it is still held today)."""
    day = last_day or today()
    with db.transaction() as session:
        user = _require_user(session, username)
        role, scope = held_form(session, role, scope)
        running = [a for a in user.assignments if a.role == role and a.scope == scope
                   and (a.valid_until is None or a.valid_until >= day)]
        if not running:
            raise NotFound(f"{username} holds no {_described(role, scope)} that runs past "
                           f"{day.isoformat()}")
        for assignment in running:
            if assignment.valid_from > day:  # planned to start later: it never starts
                raise Conflict(f"{username} holds {_described(role, scope)} only from "
                               f"{assignment.valid_from.isoformat()}, after {day.isoformat()}")
            assignment.valid_until = day
            audit.record(session, "role_ended", actor, details={
                "username": username, "role": role, "scope": scope,
                "valid_until": day.isoformat()})
        return running[0]


def _require_user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


@dataclass(frozen=True)
class SignedIn:
    username: str
    display_name: str
    session_version: int


def signed_in_user(session: Session, username: str) -> SignedIn | None:
    """The active user as a request needs them (name, session version): one query, no roles;
    every request of a signed-in user asks it."""
    row = session.execute(select(User.username, User.display_name, User.session_version)
                          .where(User.username == username, User.is_active.is_(True))).first()
    return SignedIn(*row) if row is not None else None


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
    """True when the user may do the work of ``role`` about ``scope`` on the day: they hold it
    unscoped or for that scope (a name of one scope, "Lid DVO", needs its base role there)."""
    if role is None:
        return False
    day = on or today()
    definition = session.get(Role, role)  # a primary-key lookup, once per session
    if definition is not None and definition.base_role is not None:
        role, scope = definition.base_role, definition.fixed_scope
    # One query for just this role's assignments (on every claim and completion).
    assignments = session.scalars(
        select(RoleAssignment).join(User)
        .where(User.username == username, User.is_active.is_(True), RoleAssignment.role == role)
    )
    return covers([a for a in assignments if a.is_valid_on(day)], role, scope)


def who_may_not(session: Session, usernames: Iterable[str], role: str | None,
                scope: str | None = None, on: date | None = None) -> dict[str, str]:
    """Of ``usernames``, those who may not do the work of ``role`` about ``scope`` on the day,
    each with the reason; one query for them all."""
    day = on or today()
    wanted = set(usernames)
    definition = session.get(Role, role) if role else None
    if definition is not None and definition.base_role is not None:
        role, scope = definition.base_role, definition.fixed_scope
    users = {u.username: u for u in session.scalars(select(User).where(
        User.username.in_(wanted)))}
    reasons = {}
    for username in sorted(wanted):
        user = users.get(username)
        if user is None or not user.is_active:
            reasons[username] = "is not an active user"
        elif not covers([a for a in user.assignments if a.is_valid_on(day)], role, scope):
            held = f"{role} for {scope}" if scope else str(role)
            reasons[username] = f"is not {held} on {day.isoformat()}"
    return reasons


def verify_password(db: Database, username: str, password: str) -> User | None:
    """The active user with this password, or None; unknown and wrong take the same time."""
    dummy = _dummy_hash()  # before the lookup: the first sign-in waits for it, known user or not
    with db.reading() as session:
        user = find_user(session, username)
        stored = user.password_hash if user is not None and user.is_active else None
        try:
            _hasher.verify(stored or dummy, password)
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
