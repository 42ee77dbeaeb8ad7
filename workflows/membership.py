"""Membership of the bodies: who is member, chair or secretary of which body, from when until when.

One model (design.md): a membership is a body role (Voorzitter, Secretaris, Lid) held for one
body, stored as a role assignment whose scope is the body's code, within Dutch local dates.
Meetings invite from it and the tasks of a body go to it; nothing else makes someone a member.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import identity
from engine.clock import today
from engine.db import Database
from engine.errors import InvalidInput
from engine.models import RoleAssignment, User
from engine.runtime import current_step

from .bodies import BODIES, body
from .catalogue import BODY_ROLES, MEMBER


@dataclass(frozen=True)
class Membership:
    username: str
    display_name: str
    body: str
    role: str
    valid_from: date
    valid_until: date | None


def _check(code: str, role: str) -> None:
    if code not in BODIES:
        raise InvalidInput(f"unknown body {code!r}; known: {', '.join(BODIES)}",
                           {"body": "unknown"})
    if role not in BODY_ROLES:
        raise InvalidInput(f"{role!r} is not a role in a body; one of: {', '.join(BODY_ROLES)}",
                           {"role": "unknown"})


def add_member(db: Database, username: str, code: str, role: str = MEMBER, *,
               valid_from: date | None = None, valid_until: date | None = None,
               actor: str | None = None) -> RoleAssignment:
    """Make ``username`` member (or chair, or secretary) of a body from ``valid_from``
    (default: today) until ``valid_until`` (default: no end)."""
    _check(code, role)
    return identity.assign_role(db, username, role, scope=code, valid_from=valid_from,
                                valid_until=valid_until, actor=actor)


def end_membership(db: Database, username: str, code: str, role: str = MEMBER, *,
                   last_day: date | None = None, actor: str | None = None) -> RoleAssignment:
    """End a membership after ``last_day`` (default: today, the last day it holds)."""
    _check(code, role)
    return identity.end_role(db, username, role, scope=code, last_day=last_day, actor=actor)


def memberships(session: Session, code: str | None = None,
                on: date | None = None) -> list[Membership]:
    """The memberships held on a day (default today), by body, role and name."""
    day = on or today()
    query = (select(User, RoleAssignment).join(RoleAssignment.user)
             .where(User.is_active.is_(True), RoleAssignment.role.in_(BODY_ROLES),
                    RoleAssignment.scope.is_not(None), RoleAssignment.valid_from <= day,
                    or_(RoleAssignment.valid_until.is_(None), RoleAssignment.valid_until >= day)))
    if code is not None:
        _check(code, MEMBER)
        query = query.where(RoleAssignment.scope == code)
    rows = [Membership(user.username, user.display_name, a.scope or "", a.role, a.valid_from,
                       a.valid_until) for user, a in session.execute(query)]
    order = {code: i for i, code in enumerate(BODIES)}
    return sorted(rows, key=lambda m: (order.get(m.body, len(order)),
                                       BODY_ROLES.index(m.role), m.display_name.lower()))


def members_of(session: Session, code: str, role: str = MEMBER,
               on: date | None = None) -> list[Membership]:
    return [m for m in memberships(session, code, on) if m.role == role]


def _option(username: str, display_name: str) -> dict[str, str]:
    """A choice in a form: the username is stored, the name is shown."""
    label = username if display_name == username else f"{display_name} ({username})"
    return {"value": username, "label": label}


def meeting_invitees(orgaan: str) -> dict[str, list[dict[str, str]]]:
    """The service operator of a meeting: the choices for its invitation.

    ``leden``: the members of the body today, proposed for the invitation; ``gasten``: every
    other active user, who may be invited as a guest. A body without members cannot meet.
    """
    session, _actor = current_step()
    members = members_of(session, orgaan)
    if not members:
        raise ValueError(f"{body(orgaan).name} has no members on {today().isoformat()}: make "
                         f"them members first (govflow member add USER --body {orgaan})")
    named = {m.username for m in members}
    others = session.execute(select(User.username, User.display_name)
                             .where(User.is_active.is_(True)).order_by(User.display_name))
    return {"leden": [_option(m.username, m.display_name) for m in members],
            "gasten": [_option(u, name) for u, name in others if u not in named]}


def as_dict(membership: Membership) -> dict[str, Any]:
    return {"username": membership.username, "name": membership.display_name,
            "body": membership.body, "role": membership.role,
            "valid_from": membership.valid_from.isoformat(),
            "valid_until": membership.valid_until.isoformat() if membership.valid_until else None}
