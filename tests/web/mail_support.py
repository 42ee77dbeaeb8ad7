"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the app set to
send through it."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from engine.db import Database
from web.mail.sender import Delivery, deliver_mail


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """The handler: every message the server accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


def send_through(app: Flask, server: SmtpServer) -> None:
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False,
                      MAIL_FROM="govflow <noreply@zvh.example>",
                      BASE_URL="https://govflow.zvh.example")


def deliver(app: Flask, db: Database) -> Delivery:
    """What the scheduler's runs deliver until nothing is due (a run takes 50 at most)."""
    total = Delivery()
    while True:
        done = deliver_mail(app, db)
        total.configured = done.configured
        total.sent, total.failed = total.sent + done.sent, total.failed + done.failed
        total.retrying += done.retrying
        if not (done.sent or done.failed or done.retrying):
            return total


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def subject(message: EmailMessage) -> str:
    """The subject as read: a long one is folded onto lines of its own."""
    return " ".join(str(message["Subject"]).split())
