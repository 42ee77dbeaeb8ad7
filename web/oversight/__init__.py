"""The managers' pages: where every cycle stands, what is late, and whether each body met
its frequency. Who sees what is ``engine.oversight``'s rule."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("oversight", __name__, template_folder="templates")

from . import figures, frequency, instance, late_work, overview  # noqa: E402, F401 (routes on bp)
