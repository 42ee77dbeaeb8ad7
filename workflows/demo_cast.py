"""Who of the demo users (workflows/seed.py) does a task of the demo year.

A task names a role, for the instance's body or for one named in the role ("Lid DVO" is Lid
held for the DVO); the first demo user holding it does the work, unless a task needs a person
of its own (the two portefeuillehouders each give their view on the budget).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.roles import held_form

from .catalogue import MEMBER
from .seed import DEMO_USERS

# Tasks that one particular holder of the role does (four eyes, POR-1).
BY_TASK = {"Concept beoordelen (namens DVO)": "portefeuillehouder.zvh",
           "Concept beoordelen (namens VvG Veilig Thuis)": "portefeuillehouder.zorg"}
ADMIN = "beheerder"
MANAGER = "manager.zvh"


def doer(session: Session, task_name: str, role: str | None, scope: str | None) -> str:
    """The demo user who does a task of ``role`` in an instance about ``scope``."""
    if task_name in BY_TASK:
        return BY_TASK[task_name]
    wanted = held_form(session, role or "", scope)
    for demo in DEMO_USERS:
        if wanted in demo.roles or (wanted[0], None) in demo.roles:
            return demo.username
    raise LookupError(f"no demo user holds {wanted[0]!r} for {wanted[1]!r}")


def members(body: str) -> list[str]:
    """The demo users who are members of ``body``."""
    return [demo.username for demo in DEMO_USERS if (MEMBER, body) in demo.roles]


def holder(role: str, body: str) -> str:
    """The first demo user holding the body role ``role`` for ``body``."""
    return next(demo.username for demo in DEMO_USERS if (role, body) in demo.roles)
