"""Who holds a role for a body on a day: the people a task goes to, or may be handed over to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .clock import today
from .models import RoleAssignment, User
from .roles import role_catalogue


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
    # Plain rows, not ORM objects: this runs in every step that makes a task.
    rows = session.execute(
        select(User.username, User.display_name, RoleAssignment.role, RoleAssignment.scope)
        .join(RoleAssignment.user)
        .where(User.is_active.is_(True),
               RoleAssignment.role.in_({base for base, _s in wanted.values() if base}),
               RoleAssignment.valid_from <= day,
               or_(RoleAssignment.valid_until.is_(None), RoleAssignment.valid_until >= day))
        .order_by(User.display_name, User.username)).all()
    held: dict[str, list[Person]] = {}
    for role, (base, role_scope) in wanted.items():
        people: dict[str, Person] = {}
        for username, name, held_role, held_scope in rows:
            if held_role == base and (held_scope is None or held_scope == role_scope):
                people.setdefault(username, Person(username, name))
        held[role] = list(people.values())
    return held


def holders_of(session: Session, role: str | None, scope: str | None) -> list[str]:
    """The usernames of those who hold ``role`` for ``scope`` today."""
    if role is None:
        return []
    return [p.username for p in role_holders(session, {role}, scope).get(role, [])]
