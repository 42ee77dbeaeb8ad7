"""Each user's choices for what reaches them outside the pages: per kind of mail at once, in a
daily digest or not at all (a reminder or an escalation cannot be switched off), the hour of
the digest, the language, and the secret address of their calendar feed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from . import audit
from .db import Database
from .errors import InvalidInput
from .identity import require_active_user
from .models import User
from .outbox import ALWAYS_SENT, DELIVERIES, MAIL_KINDS
from .outreach_models import MailPreference

LANGUAGES = ("nl", "en")


@dataclass(frozen=True)
class MailSettings:
    email: str | None
    language: str
    digest_hour: int
    deliveries: dict[str, str]  # kind -> now, digest, off
    calendar_token: str | None


def mail_settings(session: Session, username: str) -> MailSettings:
    user = require_active_user(session, username)
    chosen = dict(session.execute(select(MailPreference.kind, MailPreference.delivery)
                                  .where(MailPreference.user_id == user.id)).all())
    return MailSettings(user.email, user.language, user.digest_hour,
                        {kind: chosen.get(kind, "now") for kind in MAIL_KINDS},
                        user.calendar_token)


def choose_mail(db: Database, username: str, deliveries: dict[str, str], *, digest_hour: int,
                language: str) -> None:
    """Store the user's choices; all of them, or none when one is not allowed."""
    problems = {kind: "unknown kind" for kind in deliveries if kind not in MAIL_KINDS}
    problems |= {kind: "not one of now, digest, off" for kind, d in deliveries.items()
                 if d not in DELIVERIES}
    problems |= {kind: "cannot be switched off" for kind, d in deliveries.items()
                 if d == "off" and kind in ALWAYS_SENT}
    if not 0 <= digest_hour <= 23:
        problems["digest_hour"] = "an hour from 0 to 23"
    if language not in LANGUAGES:
        problems["language"] = f"one of {', '.join(LANGUAGES)}"
    if problems:
        raise InvalidInput("these mail choices cannot be stored: " + "; ".join(
            f"{k}: {v}" for k, v in problems.items()), problems)
    with db.transaction() as session:
        user = require_active_user(session, username)
        session.execute(delete(MailPreference).where(MailPreference.user_id == user.id))
        session.add_all(MailPreference(user_id=user.id, kind=kind, delivery=delivery)
                        for kind, delivery in deliveries.items() if delivery != "now")
        user.digest_hour, user.language = digest_hour, language
        audit.record(session, "mail_chosen", username,
                     details={"deliveries": deliveries, "digest_hour": digest_hour,
                              "language": language})


def renew_calendar_address(db: Database, username: str) -> str:
    """A new secret for the user's calendar feed; the old address stops working at once."""
    with db.transaction() as session:
        user = require_active_user(session, username)
        user.calendar_token = secrets.token_urlsafe(32)
        audit.record(session, "calendar_address_renewed", username)
        return user.calendar_token


def owner_of_calendar(session: Session, token: str) -> User | None:
    """The active user whose feed has this secret, if any."""
    if not token or len(token) > 64:
        return None
    user = session.scalars(select(User).where(User.calendar_token == token)).first()
    return user if user is not None and user.is_active else None

