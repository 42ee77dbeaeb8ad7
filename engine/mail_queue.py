"""The sender's side of the outbox: claim due mail, record each delivery or failure, and
gather held mail into daily digests.

A message is claimed by a conditional update with a token of its own, so two senders (two
schedulers on one PostgreSQL) never take the same message; on PostgreSQL the candidates are
read ``FOR UPDATE SKIP LOCKED``, so they do not even wait for each other. A claim lapses after
``LEASE``: a sender that died while sending leaves its messages to the next.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from .clock import now
from .db import Database
from .models import HumanTask
from .outbox import MESSAGE_DOMAIN
from .outreach_models import OutgoingMail

LEASE = timedelta(minutes=15)
# A message is tried again (after 2, 4, 8 ... minutes, then every 6 hours) for two days, so
# that a server down over a weekend night loses nothing; then its failure is final.
GIVE_UP_AFTER = timedelta(hours=48)
MAX_ERROR = 500


@dataclass(frozen=True)
class Claimed:
    id: int
    claim: str
    kind: str
    username: str
    address: str
    language: str
    data: dict[str, Any]
    instance_id: int | None
    task_id: int | None
    message_id: str
    attempts: int
    created_at: datetime


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 2, 4, 8 minutes, up to 6 hours."""
    return min(timedelta(minutes=2 ** attempts), timedelta(hours=6))


def claim_mail(db: Database, limit: int = 20) -> list[Claimed]:
    """Take up to ``limit`` messages that are due (or whose claim lapsed) for this sender."""
    at = now()
    token = uuid.uuid4().hex
    with db.transaction() as session:
        due = (select(OutgoingMail.id)
               .where(or_((OutgoingMail.status == "queued") & (OutgoingMail.send_after <= at),
                          (OutgoingMail.status == "sending") & (OutgoingMail.claimed_until < at)))
               .order_by(OutgoingMail.id).limit(limit))
        if db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        ids = list(session.scalars(due))
        if not ids:
            return []
        session.execute(update(OutgoingMail)
                        .where(OutgoingMail.id.in_(ids),
                               or_(OutgoingMail.status == "queued",
                                   OutgoingMail.claimed_until < at))
                        .values(status="sending", claim=token, claimed_until=at + LEASE))
        rows = session.scalars(select(OutgoingMail).where(OutgoingMail.claim == token)
                               .order_by(OutgoingMail.id))
        return [Claimed(m.id, token, m.kind, m.username, m.address, m.language, m.data,
                        m.instance_id, m.task_id, m.message_id, m.attempts, m.created_at)
                for m in rows]


def keep_claim(db: Database, mail: Claimed) -> bool:
    """Renew the claim just before sending; False when it lapsed and another sender took it."""
    with db.transaction() as session:
        kept = session.execute(update(OutgoingMail)
                               .where(OutgoingMail.id == mail.id, OutgoingMail.claim == mail.claim)
                               .values(claimed_until=now() + LEASE))
        return bool(kept.rowcount)


def record_sent(db: Database, mail: Claimed) -> bool:
    """The server took ``mail``; False when the claim had lapsed and another sender took it."""
    with db.transaction() as session:
        done = session.execute(update(OutgoingMail)
                               .where(OutgoingMail.id == mail.id, OutgoingMail.claim == mail.claim)
                               .values(status="sent", sent_at=now(), claim=None,
                                       claimed_until=None, last_error=None,
                                       attempts=OutgoingMail.attempts + 1))
        return bool(done.rowcount)


def record_failure(db: Database, mail: Claimed, error: str, *, permanent: bool) -> str:
    """Try again later, with backoff, or give up (a refused address, or tried for two days);
    returns the new status."""
    attempts = mail.attempts + 1
    final = permanent or now() - mail.created_at >= GIVE_UP_AFTER
    status = "failed" if final else "queued"
    with db.transaction() as session:
        session.execute(update(OutgoingMail)
                        .where(OutgoingMail.id == mail.id, OutgoingMail.claim == mail.claim)
                        .values(status=status, attempts=attempts, claim=None, claimed_until=None,
                                last_error=error[:MAX_ERROR],
                                send_after=now() + backoff(attempts)))
    return status


def gather_digests(db: Database) -> int:
    """Make one digest per user of their held mail that is due; returns how many were made."""
    at = now()
    with db.transaction() as session:
        due = (select(OutgoingMail).where(OutgoingMail.status == "held",
                                          OutgoingMail.send_after <= at)
               .order_by(OutgoingMail.id))
        if db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        by_user: dict[str, list[OutgoingMail]] = defaultdict(list)
        for mail in session.scalars(due):
            by_user[mail.username].append(mail)
        for username, held in by_user.items():
            _digest_of(session, username, held)
        return len(by_user)


def _digest_of(session: Session, username: str, held: list[OutgoingMail]) -> None:
    latest = held[-1]
    digest = OutgoingMail(
        kind="digest", username=username, address=latest.address, language=latest.language,
        data={"items": [{"kind": m.kind, "data": m.data, "task_id": m.task_id,
                         "instance_id": m.instance_id} for m in held]},
        status="queued", send_after=now(), attempts=0,
        message_id=f"<{uuid.uuid4().hex}@{MESSAGE_DOMAIN}>")
    session.add(digest)
    session.flush()
    session.execute(update(OutgoingMail).where(OutgoingMail.id.in_([m.id for m in held]))
                    .values(status="digested", digest_id=digest.id))


def outbox_counts(session: Session) -> dict[str, int]:
    """How many messages are in each state."""
    return dict(session.execute(select(OutgoingMail.status, func.count())
                                .group_by(OutgoingMail.status)).all())


def latest_mail(session: Session, limit: int = 50) -> list[OutgoingMail]:
    return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id.desc())
                                .limit(limit)))


def discard_unsent(db: Database, before: datetime) -> int:
    """Drop the mail written before ``before`` that was never sent, except what is about a task
    still open (the demo's invented past mails nobody; its work still to do reaches its
    people); returns how many."""
    with db.transaction() as session:
        still_open = select(HumanTask.id).where(HumanTask.state == "open")
        old = ((OutgoingMail.status != "sent") & (OutgoingMail.created_at < before)
               & (OutgoingMail.task_id.is_(None) | OutgoingMail.task_id.not_in(still_open)))
        session.execute(update(OutgoingMail).where(
            OutgoingMail.digest_id.in_(select(OutgoingMail.id).where(old)))
            .values(digest_id=None))
        result = session.execute(delete(OutgoingMail).where(old))
        return int(result.rowcount)
