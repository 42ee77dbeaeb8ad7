"""Who may read an instance's papers (MTG-8: only members see their body's work), and the
download itself, which the audit trail records: who, when, which file.

They are the people who may see the instance: those who oversee it, the holders of a role
of one of its tasks (for its body), the members of its body, and the guests its meeting
invites.
Anyone else is told there is nothing, so that nobody learns what exists in another body.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .db import Database
from .errors import NotFound
from .identity import held_roles
from .instance_view import MAX_INSTANCE_ID
from .models import HumanTask, ProcessInstance
from .outreach_models import CalendarEvent, CalendarInvitee, StoredFile
from .oversight import may_see_instance, oversight_of
from .papers import FileRules, content_of, files_of
from .roles import role_catalogue


@dataclass(frozen=True)
class Paper:
    file: StoredFile
    content: bytes


def may_read(session: Session, instance: ProcessInstance, username: str) -> bool:
    if may_see_instance(oversight_of(session, username), instance.process_key, instance.scope):
        return True
    held = held_roles(session, username)
    if instance.scope is not None and any(a.scope == instance.scope for a in held):
        return True
    roles = set(session.scalars(select(HumanTask.role).distinct()
                                .where(HumanTask.instance_id == instance.id,
                                       HumanTask.role.is_not(None))))
    catalogue = role_catalogue(session)
    if any(catalogue.covers(held, role, instance.scope) for role in roles):
        return True
    # A guest of its meeting reads its papers too; an invited member only while a member.
    return session.scalar(select(CalendarInvitee.username).join(CalendarEvent).where(
        CalendarEvent.instance_id == instance.id, CalendarInvitee.username == username,
        CalendarInvitee.guest.is_(True))) is not None


def papers_for(db: Database, instance_id: int, username: str
               ) -> tuple[ProcessInstance, list[StoredFile]]:
    """The instance and its files; NotFound when there is none or the user may not see it."""
    with db.reading() as session:
        instance = session.get(ProcessInstance, instance_id) \
            if 1 <= instance_id <= MAX_INSTANCE_ID else None
        if instance is None or not may_read(session, instance, username):
            raise NotFound(f"no process instance {instance_id}")
        return instance, files_of(session, instance.id)


def read_paper(db: Database, public_id: str, username: str, rules: FileRules) -> Paper:
    """The file and its content, recorded as read by ``username``; NotFound as above."""
    with db.transaction() as session:
        stored = session.scalars(select(StoredFile)
                                 .where(StoredFile.public_id == public_id[:40])).first()
        instance = session.get(ProcessInstance, stored.instance_id) if stored else None
        if stored is None or instance is None or not may_read(session, instance, username):
            raise NotFound("no such file")
        content = content_of(stored, rules)
        audit.record(session, "file_downloaded", username, instance_id=instance.id,
                     task_id=stored.task_id,
                     details={"file": stored.public_id, "name": stored.name,
                              "version": stored.version, "sha256": stored.sha256})
        return Paper(stored, content)
