"""Process owners: the catalogue, the versions of each process, and the diagram editor."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("processes", __name__, template_folder="templates")

from . import diffs, editor, form_editor, test_runs, views  # noqa: E402, F401 (routes on bp)
