"""The sender, run by the scheduler: digests due, then queued mail, over one SMTP connection.

A server that is down leaves every claimed message for a later attempt (with backoff); a
message the server refuses for good is recorded as failed with the server's answer.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from engine.db import Database
from engine.errors import EngineError
from engine.mail_queue import (
    Claimed,
    claim_mail,
    gather_digests,
    keep_claim,
    record_failure,
    record_sent,
)

from .compose import compose
from .smtp import SmtpSettings, describe, is_final, send

log = logging.getLogger(__name__)
BATCH = 50


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    configured: bool = True


def deliver_mail(app: Flask, db: Database, limit: int = BATCH) -> Delivery:
    """Send what is due; without an SMTP server set, nothing is taken from the outbox."""
    settings = SmtpSettings.from_config(app.config)
    if settings is None:
        return Delivery(configured=False)
    gather_digests(db)
    claimed = claim_mail(db, limit)
    done = Delivery()
    if not claimed:
        return done
    try:
        connection = settings.connect()
    except (OSError, smtplib.SMTPException) as err:
        # The server, or our settings for it (a password, STARTTLS), not the messages: never
        # a final refusal of them, however the server words it.
        log.warning("mail: cannot reach %s:%s (%s); %d message(s) wait", settings.host,
                    settings.port, describe(err), len(claimed))
        for mail in claimed:
            _failed(db, mail, err, done, final=False)
        return done
    try:
        for mail in claimed:
            _deliver(app, db, connection, mail, done)
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    return done


def _deliver(app: Flask, db: Database, connection: smtplib.SMTP, mail: Claimed,
             done: Delivery) -> None:
    try:
        with app.app_context(), db.reading() as session:
            message = compose(app, session, mail)
    except SQLAlchemyError as err:  # the database, not the message: try again later
        _failed(db, mail, err, done)
        return
    except Exception as err:  # a message we cannot write is ours to fix, not the server's
        log.exception("mail %d: cannot be written", mail.id)
        record_failure(db, mail, f"cannot be written: {err}", permanent=True)
        done.failed += 1
        return
    if not keep_claim(db, mail):  # this run took long, and another sender has it now
        return
    try:
        send(connection, message)
    except (OSError, smtplib.SMTPException) as err:
        _failed(db, mail, err, done)
        return
    try:
        recorded = record_sent(db, mail)
    except (SQLAlchemyError, EngineError):
        log.exception("mail %d was sent but could not be recorded; it may go once more", mail.id)
        return
    if recorded:
        done.sent += 1


def _failed(db: Database, mail: Claimed, error: BaseException, done: Delivery,
            final: bool | None = None) -> None:
    permanent = is_final(error) if final is None else final
    status = record_failure(db, mail, describe(error), permanent=permanent)
    if status == "failed":
        done.failed += 1
        log.warning("mail %d to %s failed for good: %s", mail.id, mail.address, describe(error))
    else:
        done.retrying += 1
