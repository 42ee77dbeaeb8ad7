"""What a form takes from its task's data: the choices it offers and the values it opens with.

Choices are written SpiffArena's way: ``"anyOf": ["options_from_task_data_var:leden_opties"]``
on a field (or on the items of a list) offers the entries of the task data variable
``leden_opties``, each ``{"value": ..., "label": ...}``. They are read when the task is created
and kept with it, so the page shows and the engine accepts exactly those.

A form opens with the values the task data already holds for its fields (a revised draft shows
the draft), as in SpiffArena and Camunda; a personal task opens empty, since the data of the
case may hold another person's answer to the same question (DEC-1: a ballot stays private).
"""

from __future__ import annotations

import copy
from typing import Any

OPTIONS_PREFIX = "options_from_task_data_var:"


class ChoicesMissing(ValueError):
    """The task data has no usable list for a form's choices."""


def _placeholder(value: Any) -> str | None:
    """The variable named by ``["options_from_task_data_var:NAME"]``, else None."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str) \
            and value[0].startswith(OPTIONS_PREFIX):
        return value[0][len(OPTIONS_PREFIX):].strip()
    return None


def sub_schemas(schema: Any) -> list[dict[str, Any]]:
    """Every sub-schema (dict) of a schema, itself included."""
    if isinstance(schema, list):
        return [found for item in schema for found in sub_schemas(item)]
    if not isinstance(schema, dict):
        return []
    return [schema, *(found for value in schema.values() for found in sub_schemas(value))]


def option_variables(schema: dict[str, Any]) -> list[str]:
    """The task data variables whose entries the form offers as choices."""
    names = [_placeholder(part.get("anyOf")) for part in sub_schemas(schema)]
    return sorted({name for name in names if name is not None})


def _resolve(schema: dict[str, Any], choices: Any) -> dict[str, Any]:
    resolved = copy.deepcopy(schema)
    for part in sub_schemas(resolved):
        name = _placeholder(part.get("anyOf"))
        if name is not None:
            options = choices(name)
            if options:
                part["anyOf"] = [{"const": o["value"], "title": o["label"]} for o in options]
            else:  # nothing to choose: no value is valid
                del part["anyOf"]
                part["not"] = {}
    return resolved


def with_options(schema: dict[str, Any], options: dict[str, list[dict[str, Any]]]
                 ) -> dict[str, Any]:
    """The schema with its choices filled in from ``options`` (variable -> entries)."""
    return _resolve(schema, lambda name: options.get(name, []))


def checkable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as JSON Schema can check it at deployment: each placeholder one choice."""
    return _resolve(schema, lambda name: [{"value": name, "label": name}])


def _options(name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = data.get(name)
    if not isinstance(entries, list):
        raise ChoicesMissing(f'its choices come from "{name}", which the task data does not '
                             "have as a list")
    options = []
    for entry in entries:
        if isinstance(entry, dict) and "value" in entry:
            options.append({"value": entry["value"], "label": str(entry.get("label",
                                                                            entry["value"]))})
        elif isinstance(entry, str | int | float) and not isinstance(entry, bool):
            options.append({"value": entry, "label": str(entry)})
        else:
            raise ChoicesMissing(f'an entry of "{name}" is neither {{"value": ..., "label": ...}} '
                                 f"nor a plain value: {entry!r}"[:300])
    return options


def form_context(schema: dict[str, Any], data: dict[str, Any],
                 personal: bool) -> dict[str, Any] | None:
    """The choices and opening values of a new task's form (None: nothing to keep)."""
    options = {name: _options(name, data) for name in option_variables(schema)}
    fields = schema.get("properties", {})
    values = {} if personal else {name: data[name] for name in fields if name in data}
    if not options and not values:
        return None
    return {"options": options, "values": values}
