"""What participants arrange for themselves and read outside the inbox: their mail choices,
their calendar feed, and the papers of the cases they may see."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("participants", __name__, template_folder="templates")

from . import feed, papers, settings  # noqa: E402, F401 (registers the routes on bp)
