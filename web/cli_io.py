"""What the commands of ``govflow`` share: the ``--json`` and ``--as`` options, reading JSON
from an option, and printing a result as text or as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from engine.nesting import TOO_DEEP, text_too_deep

if TYPE_CHECKING:  # the schemas are imported by the commands that print them
    from marshmallow import Schema

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
actor_option = click.option("--as", "actor", required=True, metavar="USER",
                            help="The user who does this.")


def emit(value: Any, as_json: bool, schema_: Schema | None, text: Callable[[Any], str]) -> None:
    """Print ``value`` as ``text`` makes it, or for ``--json`` as the schema dumps it."""
    if as_json:
        click.echo(json.dumps(schema_.dump(value) if schema_ else value, indent=2,
                              ensure_ascii=False))
    else:
        click.echo(text(value))


def parse_json(raw: str | None) -> dict[str, Any] | None:
    """The JSON object of ``--data``; a usage error (exit status 2) if it is not JSON."""
    if raw is None:
        return None
    if text_too_deep(raw):  # before the parser, which recurses per level
        raise click.BadParameter(f"the JSON is {TOO_DEEP}", param_hint="'--data'")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise click.BadParameter(f"not valid JSON: {err.msg} (column {err.colno})",
                                 param_hint="'--data'") from err
