"""The governance domain: bodies, roles, organisations, cadences and script helpers."""

from __future__ import annotations

from typing import Any

from engine.spiff import register_script_helpers

from .helpers import HELPERS


def init_app(app: Any) -> None:
    """Offer the domain's helper functions to every diagram script."""
    register_script_helpers(HELPERS)
