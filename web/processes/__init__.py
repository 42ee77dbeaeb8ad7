"""Process owners: the catalogue, the versions of each process, and the diagram editor."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("processes", __name__, template_folder="templates")

from . import editor, views  # noqa: E402, F401 (registers routes on bp)
