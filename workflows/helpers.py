"""Functions that diagram scripts, conditions and service tasks may call (via the sandbox)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .subregions import delegation_covers, other_subregions, subregion_for


def majority(votes: list[Any], yes: Any = "voor") -> bool:
    """DEC-1: more than half of the votes cast are in favour."""
    cast = [v for v in votes if v is not None]
    return bool(cast) and sum(1 for v in cast if v == yes) * 2 > len(cast)


HELPERS: dict[str, Callable[..., Any]] = {
    "majority": majority,
    "subregion_for": subregion_for,
    "other_subregions": other_subregions,
    "delegation_covers": delegation_covers,
}
