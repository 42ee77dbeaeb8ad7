"""A local SMTP server that keeps every message in a Maildir folder: the demo's mail
(``govflow serve --mail-sink``) goes there instead of to anyone."""

from __future__ import annotations

from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

SINK_HOST = "127.0.0.1"
SINK_PORT = 8025


def start_sink(folder: Path, port: int = SINK_PORT) -> Controller:
    for part in ("tmp", "new", "cur"):  # a Maildir; Maildir() makes them only for a new folder
        (folder / part).mkdir(parents=True, exist_ok=True)
    controller = Controller(Mailbox(str(folder)), hostname=SINK_HOST, port=port)
    controller.start()
    return controller
