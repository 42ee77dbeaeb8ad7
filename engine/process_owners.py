"""Who may change processes, and the roles they may add for new lanes.

Process owners hold the catalogue role "Proceseigenaar": they save drafts, deploy and add
roles. Everyone else may look at diagrams only. Every page and the API ask this module.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .db import Database
from .errors import InvalidInput, NotAllowed
from .identity import holds_role
from .models import Role

PROCESS_OWNER_ROLE = "Proceseigenaar"
MAX_ROLE_NAME = 200
MAX_ROLE_DESCRIPTION = 2000
# A lane's name is the role: letters, digits, spaces and a little punctuation, no markup.
_ROLE_NAME = re.compile(r"[\w][\w .,'()&/-]*\Z")


def is_process_owner(session: Session, username: str | None) -> bool:
    return username is not None and holds_role(session, username, PROCESS_OWNER_ROLE)


def require_process_owner(session: Session, username: str | None) -> None:
    if not is_process_owner(session, username):
        raise NotAllowed(f"only a {PROCESS_OWNER_ROLE} may change processes")


def add_role(db: Database, name: str, description: str | None, actor: str) -> Role:
    """Add a role to the catalogue, for a lane that needs one it lacks."""
    name = " ".join((name or "").split())
    description = (description or "").strip() or None
    _check_new_role(name, description)
    with db.transaction() as session:
        require_process_owner(session, actor)
        same = session.scalars(select(Role.name)
                               .where(func.lower(Role.name) == name.lower())).first()
        if same is not None:
            raise InvalidInput(f"the role {same!r} already exists", {"name": "exists"})
        role = Role(name=name, description=description)
        session.add(role)
        audit.record(session, "role_added", actor,
                     details={"role": name, "description": description})
        session.flush()
        session.expunge(role)
        return role


def _check_new_role(name: str, description: str | None) -> None:
    if not name:
        raise InvalidInput("give the role a name", {"name": "required"})
    if len(name) > MAX_ROLE_NAME:
        raise InvalidInput(f"a role's name has at most {MAX_ROLE_NAME} characters",
                           {"name": "too long"})
    if not _ROLE_NAME.match(name):
        raise InvalidInput("a role's name has letters, digits, spaces and . , ' ( ) & / - "
                           "only, and starts with a letter or digit", {"name": "invalid"})
    if description is not None and len(description) > MAX_ROLE_DESCRIPTION:
        raise InvalidInput(f"a description has at most {MAX_ROLE_DESCRIPTION} characters",
                           {"description": "too long"})
