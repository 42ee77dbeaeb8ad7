"""How deep JSON may nest: forms and data nested deeper are refused before they are parsed,
checked or stored.

Python's JSON parser and encoder, jsonschema and ``copy.deepcopy`` recurse once per level (or
several times), so a form or a payload nested a few thousand levels deep ends in a
``RecursionError``. Real forms nest a handful of levels (a list of rows in a list of rows); the
limit leaves room for that many times over, and stays far below where recursion gives out.
Both checks are iterative and count without parsing, so any depth is safe to measure.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 64  # levels of objects and arrays; {"a": {}} is two
TOO_DEEP = f"nested too deep (more than {MAX_DEPTH} levels)"

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def text_too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether a JSON text nests objects and arrays more than ``limit`` levels deep (brackets
    inside strings do not count)."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def value_too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether dicts and lists (or tuples) nest more than ``limit`` levels deep; a structure
    that holds itself counts as too deep."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
