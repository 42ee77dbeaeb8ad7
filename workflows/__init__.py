"""The governance domain: bodies, roles, organisations, cadences and script helpers."""

from __future__ import annotations

from typing import Any

from engine.roles import register_scopes
from engine.spiff import register_script_helpers

from .bodies import BODIES
from .helpers import HELPERS, OPERATORS


def init_app(app: Any) -> None:
    """Offer the domain's helper functions to diagram code and its operators to service tasks;
    the bodies are the scopes that body roles are held for."""
    register_script_helpers(HELPERS, OPERATORS)
    register_scopes(BODIES)
