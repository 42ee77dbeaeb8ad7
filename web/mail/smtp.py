"""The SMTP server the mail goes to (settings GOVFLOW_SMTP_*), and which of its refusals are
final: a 5xx reply refuses the message for good; anything else is tried again later."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    starttls: bool
    user: str | None
    password: str | None
    sender: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings | None:
        """None when no server is set: the mail then waits in the outbox."""
        if not config.get("SMTP_HOST"):
            return None
        return cls(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25),
                   bool(config.get("SMTP_STARTTLS")), config.get("SMTP_USER") or None,
                   config.get("SMTP_PASSWORD") or None, config["MAIL_FROM"])

    def connect(self) -> smtplib.SMTP:
        connection = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        try:
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
            if self.user:
                connection.login(self.user, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection


def send(connection: smtplib.SMTP, message: EmailMessage) -> None:
    refused = connection.send_message(message)
    if refused:  # one recipient per message: refused is all of them
        raise smtplib.SMTPRecipientsRefused(refused)


def is_final(error: BaseException) -> bool:
    """A refusal of the message itself that another attempt will not change: its recipient or
    its content refused with a 5xx. A refused sender is our setting, and is tried again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {text.decode(errors='replace')}"
                         for address, (code, text) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) \
            else str(error.smtp_error)
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"
