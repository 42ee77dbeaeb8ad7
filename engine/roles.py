"""The role catalogue: the roles lanes may name, which need a scope, and which names stand for
a role held for one scope ("Lid DVO" is "Lid" for "dvo")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .models import Role, RoleAssignment


@dataclass(frozen=True)
class RoleDefinition:
    """A role of the catalogue. ``needs_scope``: held only for a scope (a body role, such as
    "Lid", is held for one body). ``base_role``/``fixed_scope``: a name for a role held for
    one scope ("Lid DVO" is "Lid" for "dvo"), so that lanes can say whose work it is."""

    name: str
    description: str | None = None
    needs_scope: bool = False
    base_role: str | None = None
    fixed_scope: str | None = None


# The scopes a role that needs one may be held for (the bodies); registered by the domain.
_known_scopes: set[str] = set()


def register_scopes(scopes: Iterable[str]) -> None:
    """Make scopes known, such as the codes of the bodies (``workflows/`` registers its own)."""
    _known_scopes.update(scopes)


def ensure_roles(session: Session, roles: Iterable[RoleDefinition]) -> None:
    """Make the catalogue's roles known; an existing role takes the catalogue's definition."""
    known = {role.name: role for role in session.scalars(select(Role))}
    for definition in roles:
        row = known.get(definition.name)
        if row is None:
            row = Role(name=definition.name, description=definition.description)
            session.add(row)
            known[row.name] = row
        row.needs_scope = definition.needs_scope
        row.base_role, row.fixed_scope = definition.base_role, definition.fixed_scope


@dataclass(frozen=True)
class RoleCatalogue:
    """What each role name stands for: the names of one scope resolved to their base role."""

    fixed: dict[str, tuple[str, str]]  # "Lid DVO" -> ("Lid", "dvo")

    def resolve(self, role: str | None, scope: str | None) -> tuple[str | None, str | None]:
        """The role that is held, and for which scope, when a task of ``role`` is about
        ``scope``: a name of one scope ignores the task's scope."""
        if role in self.fixed:
            return self.fixed[role]
        return role, scope

    def covers(self, assignments: Iterable[RoleAssignment], role: str | None,
               scope: str | None) -> bool:
        """True when one of the assignments is the role of a task of ``role`` about ``scope``."""
        return covers(assignments, *self.resolve(role, scope))

    def names_held(self, assignments: Iterable[RoleAssignment]) -> set[str]:
        """The role names whose tasks one of the assignments may do, for some scope."""
        held = list(assignments)
        names = {a.role for a in held}
        names |= {name for name, (base, scope) in self.fixed.items()
                  if covers(held, base, scope)}
        return names


def role_catalogue(session: Session) -> RoleCatalogue:
    rows = session.execute(select(Role.name, Role.base_role, Role.fixed_scope)
                           .where(Role.base_role.is_not(None))).all()
    return RoleCatalogue({name: (base, scope) for name, base, scope in rows})


def held_form(session: Session, role: str, scope: str | None) -> tuple[str, str | None]:
    """The role and scope as they are stored: a name of one scope becomes its base role held
    for that scope; a role that needs a scope gets a known one."""
    definition = session.get(Role, role)
    if definition is None:
        known = ", ".join(sorted(session.scalars(select(Role.name)))) or "none yet"
        raise InvalidInput(f"unknown role {role!r}; known roles: {known}", {"role": "unknown"})
    if definition.base_role is not None:
        if scope not in (None, definition.fixed_scope):
            raise InvalidInput(f"{role!r} is {definition.base_role!r} for "
                               f"{definition.fixed_scope!r}; it cannot be held for {scope!r}",
                               {"scope": "not allowed"})
        return held_form(session, definition.base_role, definition.fixed_scope)
    if definition.needs_scope and (scope is None or (_known_scopes and scope not in
                                                     _known_scopes)):
        given = f"not for {scope!r}" if scope else "only for one"
        raise InvalidInput(f"the role {role!r} is held for a body, {given}; give the scope as "
                           f"one of: {', '.join(sorted(_known_scopes)) or 'none known'}",
                           {"scope": "unknown" if scope else "required"})
    return role, scope


def covers(assignments: Iterable[RoleAssignment], role: str | None, scope: str | None) -> bool:
    """True when one of the assignments is for ``role``, unscoped or for ``scope`` (names of one
    scope must be resolved first: ``RoleCatalogue.covers``)."""
    return role is not None and any(
        a.role == role and (a.scope is None or a.scope == scope) for a in assignments)
