"""Who holds a role for a body on a day: the people a task goes to, or may be handed over to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .clock import today
from .models import RoleAssignment, User
from .roles import covers, role_catalogue


@dataclass(frozen=True)
class Person:
    username: str
    name: str


def role_holders(session: Session, roles: set[str], scope: str | None,
                 on: date | None = None) -> dict[str, list[Person]]:
    """Per role, the active users who may do its work about ``scope`` on the day (a name of
    one scope, "Lid DVO", counts its base role there); one query for all the roles."""
    if not roles:
        return {}
    day = on or today()
    catalogue = role_catalogue(session)
    wanted = {role: catalogue.resolve(role, scope) for role in roles}
    rows = session.execute(
        select(User.username, User.display_name, RoleAssignment).join(RoleAssignment.user)
        .where(User.is_active.is_(True),
               RoleAssignment.role.in_({base for base, _s in wanted.values() if base}))
        .order_by(User.display_name, User.username)).all()
    held: dict[str, list[Person]] = {}
    for role, (base, role_scope) in wanted.items():
        people: dict[str, Person] = {}
        for username, name, assignment in rows:
            if assignment.is_valid_on(day) and covers([assignment], base, role_scope):
                people.setdefault(username, Person(username, name))
        held[role] = list(people.values())
    return held


def holders_of(session: Session, role: str | None, scope: str | None) -> list[str]:
    """The usernames of those who hold ``role`` for ``scope`` today."""
    if role is None:
        return []
    return [p.username for p in role_holders(session, {role}, scope).get(role, [])]
