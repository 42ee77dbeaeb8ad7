"""The participant's inbox: my tasks, one task with its form, claim, unclaim and complete."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inbox", __name__, template_folder="templates")

from . import display, views  # noqa: E402, F401 (registers routes and filters on bp)
