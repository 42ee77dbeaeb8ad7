"""Who sees what on the manager pages (MTG-8, art. 5.13 and 7.4: meetings are not public).

Two kinds of oversight, both read from the user's role assignments on one day:

- **Network**: the holders of "Manager ZVH" or "Netwerksecretaris" (unscoped catalogue roles)
  see the instances of the network's own processes, the ZVH and Stamtafel cycles: budget and
  annual report, case reflection, admission, appointment of portefeuillehouders. Those
  instances have no scope.
- **Body**: the Voorzitter and the Secretaris of a body (body roles held with the body's code
  as scope) see the instances about that body: its meetings, its decisions, its frequency
  warnings (instances whose ``scope`` is the body's code), and nothing of another body's.

A network role does *not* open the body-scoped instances, not even the Stamtafel's meetings.
domain.md says "only members see their body's work" (MTG-8) and the issue gives the Manager
ZVH and the netwerksecretaris "the cycles of the ZVH and Stamtafel processes", not the bodies'
meetings; the Manager ZVH is no member of any body. The netwerksecretaris sees the Stamtafel's
meetings because they are its Secretaris (a body role), by the body rule, like any secretary.
This is the same boundary the inbox keeps (engine.worklist: holders of a role for the
instance's body). A participant (a member without chair or secretary role) sees none of it.

The role names are the catalogue's (workflows/catalogue.py); they live here because the engine
imports nothing of ``workflows`` (design.md), as ADMIN_ROLE and PROCESS_OWNER_ROLE do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from .clock import today
from .models import ProcessInstance, RoleAssignment, User

# Unscoped catalogue roles that oversee the network's own (unscoped) processes.
NETWORK_ROLES = ("Manager ZVH", "Netwerksecretaris")
# Body roles, held with the body's code as scope, that oversee that body's work.
BODY_OVERSIGHT_ROLES = ("Voorzitter", "Secretaris")


@dataclass(frozen=True)
class Oversight:
    """What one user oversees on one day."""

    network: bool = False
    bodies: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        """May open the manager pages at all."""
        return self.network or bool(self.bodies)


NOTHING = Oversight()


def oversight_of(session: Session, username: str | None, on: date | None = None) -> Oversight:
    """The oversight ``username`` holds on ``on`` (default: today); nothing for an unknown or
    inactive user. One query."""
    if not username:
        return NOTHING
    day = on or today()
    rows = session.execute(
        select(RoleAssignment.role, RoleAssignment.scope).join(User)
        .where(User.username == username, User.is_active.is_(True),
               RoleAssignment.role.in_(NETWORK_ROLES + BODY_OVERSIGHT_ROLES),
               RoleAssignment.valid_from <= day,
               or_(RoleAssignment.valid_until.is_(None), RoleAssignment.valid_until >= day))
    ).all()
    network = any(role in NETWORK_ROLES and scope is None for role, scope in rows)
    bodies = frozenset(scope for role, scope in rows
                       if role in BODY_OVERSIGHT_ROLES and scope is not None)
    return Oversight(network, bodies)


def visible_instances(oversight: Oversight) -> ColumnElement[bool]:
    """An SQL clause on ProcessInstance: the instances ``oversight`` may see (indexed ``scope``)."""
    clauses: list[ColumnElement[bool]] = []
    if oversight.network:
        clauses.append(ProcessInstance.scope.is_(None))
    if oversight.bodies:
        clauses.append(ProcessInstance.scope.in_(sorted(oversight.bodies)))
    return or_(*clauses) if clauses else false()


def may_see_instance(oversight: Oversight, process_key: str, scope: str | None) -> bool:
    """The rule of ``visible_instances`` in Python, for one instance. ``process_key`` is part
    of the question so that a process-specific exception has one place to go; today the rule
    depends on the scope alone."""
    del process_key  # the rule is by scope (see the module's docstring)
    if scope is None:
        return oversight.network
    return scope in oversight.bodies


def may_manage_instance(oversight: Oversight, process_key: str, scope: str | None) -> bool:
    """Who may cancel, hand over a task or retry: the same people, for what they see."""
    return may_see_instance(oversight, process_key, scope)
