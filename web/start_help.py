"""``govflow start KEY --help-data``: what each start event of a process needs, in plain text."""

from __future__ import annotations

import json
from typing import Any

from engine.start_data import StartEventInfo, StartInfo

_KINDS = {"string": "text", "integer": "whole number", "number": "number",
          "boolean": "true or false", "array": "list", "object": "group of fields"}


def start_help(info: StartInfo) -> str:
    lines = [f"{info.key} (version {info.version}): {info.name}"]
    for event in info.events:
        lines += ["", *_event(info.key, event)]
    return "\n".join(lines)


def _event(key: str, event: StartEventInfo) -> list[str]:
    how = (f"timer {event.timer} {event.timer_value}" if event.timer
           else "started by hand")
    default = ", taken when no --start-event is given" if event.default else ""
    lines = [f'start event {event.element} "{event.name}" ({how}{default})']
    if event.scope:
        lines.append(f"  its instances are about: {event.scope}")
    if event.supplied:
        lines.append(f"  the engine supplies: {', '.join(event.supplied)} (the local date and "
                     "time of the occurrence; by hand: now)")
    if event.script:
        lines.append("  then it sets: " + "; ".join(event.script.strip().splitlines()))
    if event.schema is None:
        lines.append("  data: none asked" if event.timer else "  data: any JSON object")
        return lines
    lines.append(f"  data ({event.form}): {event.schema.get('title', '')}".rstrip(": "))
    lines += _fields(event.schema, "    ")
    option = "" if event.default else f" --start-event {event.element}"
    example = json.dumps(_example(event.schema), ensure_ascii=False)
    lines.append(f"  e.g. govflow start {key}{option} --data '{example}' --as USER")
    return lines


def _fields(schema: dict[str, Any], indent: str) -> list[str]:
    required = set(schema.get("required", []))
    lines = []
    for name, prop in schema.get("properties", {}).items():
        need = "required" if name in required else "optional"
        title = f" — {prop['title']}" if prop.get("title") else ""
        lines.append(f"{indent}{name:<22} {need:<8} {_kind(prop)}{title}")
        if prop.get("type") == "object":
            lines += _fields(prop, indent + "  ")
        elif prop.get("type") == "array" and prop.get("items", {}).get("type") == "object":
            lines += _fields(prop["items"], indent + "  ")
    return lines


def _kind(prop: dict[str, Any]) -> str:
    kind = "date (YYYY-MM-DD)" if prop.get("format") == "date" else _KINDS.get(
        str(prop.get("type")), "value")
    if prop.get("type") == "array":
        kind = f"list of {_kind(prop.get('items', {}))}"
    limits = []
    if "enum" in prop:
        limits.append("one of: " + ", ".join(str(v) for v in prop["enum"]))
    if "minimum" in prop or "maximum" in prop:
        limits.append(f"{prop.get('minimum', '…')} to {prop.get('maximum', '…')}")
    if "maxLength" in prop:
        limits.append(f"at most {prop['maxLength']} characters")
    if "minItems" in prop:
        limits.append(f"at least {prop['minItems']}")
    return kind + (f" ({'; '.join(limits)})" if limits else "")


def _example(schema: dict[str, Any]) -> dict[str, Any]:
    """A value for each required field and each optional choice or number (the first choice,
    the lowest number)."""
    required = set(schema.get("required", []))
    return {name: _value(prop) for name, prop in schema.get("properties", {}).items()
            if name in required or "enum" in prop or prop.get("type") in ("integer", "number")}


def _value(prop: dict[str, Any]) -> Any:
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "object":
        return _example(prop)
    if kind == "array":
        return [_value(prop.get("items", {}))]
    if kind in ("integer", "number"):
        return prop.get("minimum", 1)
    if kind == "boolean":
        return False
    return "2027-01-01" if prop.get("format") == "date" else "..."
