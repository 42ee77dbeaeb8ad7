"""Parameters of ``govflow`` whose values live in heavy modules (the engine, the domain).

Click builds every command when ``govflow`` starts, and ``govflow --help`` lists them all; a
choice or default read at that moment would import SpiffWorkflow and SQLAlchemy for a help
text. These look their values up when a command parses its arguments or shows its own help.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any

import click


class LazyChoice(click.Choice):
    """``click.Choice`` over the values ``load`` returns, asked for on first use."""

    def __init__(self, load: Callable[[], Sequence[str]], case_sensitive: bool = True) -> None:
        # click.Choice.__init__ would read the values now; the property below reads them later.
        self._load = load
        self.case_sensitive = case_sensitive

    @cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self._load())


class LazyDefault:
    """An option's default looked up on first use. Click calls it for the value, and shows
    ``str()`` of it in ``--help`` as it shows a plain default (a function would read
    "(dynamic)")."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self._load = load

    def __call__(self) -> Any:
        return self._load()

    def __str__(self) -> str:
        return str(self._load())
