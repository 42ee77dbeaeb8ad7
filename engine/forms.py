"""Task forms: JSON Schema files deployed with the diagram; submissions are checked against them.

Besides JSON Schema, a date field may carry ``formatMinimum`` (the keyword of the JSON Schema
format-assertion proposal that ajv-formats implements): an ISO date, or ``"today"`` for the
Dutch date of the moment the form is checked, so that a meeting cannot be planned in the past.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

import jsonschema
from jsonschema.validators import extend, validator_for

from .clock import today
from .errors import InvalidInput
from .form_data import checkable, sub_schemas, with_options
from .models import HumanTask, ProcessDefinition
from .papers import misplaced_file_field

TODAY = "today"

_validators: dict[tuple[str, str], Any] = {}
_ui_schemas: dict[tuple[str, str], dict[str, Any]] = {}


class FormRejected(InvalidInput):
    """A submission that does not fit its form; ``rules`` names, per field, the rule it broke
    and that rule's value (``("minimum", 0)``, ``("required", None)``), so that a page can say
    it in the user's language."""

    def __init__(self, message: str, problems: dict[str, str],
                 rules: dict[str, tuple[str, Any]]) -> None:
        super().__init__(message, problems)
        self.rules = rules


def form_schema(task: HumanTask) -> dict[str, Any] | None:
    """The JSON Schema of a task's form, from the version its instance runs on."""
    validator = form_validator(task)
    return validator.schema if validator is not None else None


def form_validator(task: HumanTask) -> Any:
    """The validator of a task's form; versions never change, so it is built once, unless the
    task took choices from its data (then with those choices)."""
    if not task.form:
        return None
    validator = definition_form_validator(task.instance.definition, task.form)
    options = (task.form_context or {}).get("options")
    if validator is None or not options:
        return validator
    return _validator(with_options(validator.schema, options))


def form_values(task: HumanTask) -> dict[str, Any]:
    """What the task's form opens with, from the task data when the task was created."""
    return dict((task.form_context or {}).get("values") or {})


def earliest_day(limit: Any) -> date:
    """The day a ``formatMinimum`` stands for: an ISO date, or "today" (Dutch local date)."""
    return today() if limit == TODAY else date.fromisoformat(str(limit))


def _format_minimum(validator: Any, limit: Any, instance: Any,
                    schema: dict[str, Any]) -> Iterator[jsonschema.ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    try:
        day = date.fromisoformat(instance)
    except ValueError:
        return  # not a date: "format" says so
    earliest = earliest_day(limit)
    if day < earliest:
        yield jsonschema.ValidationError(f"{instance} is before {earliest.isoformat()}")


@cache
def _extended(base: type) -> type:
    return extend(base, {"formatMinimum": _format_minimum})


def _validator(schema: dict[str, Any]) -> Any:
    return _extended(validator_for(schema))(schema, format_checker=jsonschema.FormatChecker())


def schema_problem(schema: dict[str, Any]) -> str | None:
    """What makes a form unusable, for deployment: not JSON Schema, or a ``formatMinimum``
    that is neither an ISO date nor "today" (choices from the task data are allowed)."""
    try:
        validator_for(schema).check_schema(checkable(schema))
    except jsonschema.SchemaError as err:
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        return f"not a valid JSON Schema at {where}: {err.message}"
    misplaced = misplaced_file_field(schema)
    if misplaced:
        return misplaced
    for part in sub_schemas(schema):
        limit = part.get("formatMinimum")
        if limit is not None and limit != TODAY:
            try:
                date.fromisoformat(str(limit))
            except ValueError:
                return f'formatMinimum "{limit}" is neither an ISO date nor "today"'
    return None


def definition_form_validator(definition: ProcessDefinition, form: str) -> Any:
    """The validator of the form ``form`` deployed with ``definition`` (None: not deployed)."""
    key = (definition.content_hash, form)
    if key not in _validators:
        text = definition.resources.get(form)
        if text is None:
            return None
        _validators[key] = _validator(json.loads(text))
    return _validators[key]


def ui_schema_name(form: str) -> str:
    """SpiffArena's convention: ``x-schema.json`` is laid out by ``x-uischema.json``."""
    return form.removesuffix("-schema.json") + "-uischema.json"


def form_ui_schema(task: HumanTask) -> dict[str, Any]:
    """The layout hints of a task's form (``ui:order``, ``ui:widget``); empty when it has none."""
    if not task.form:
        return {}
    definition = task.instance.definition
    key = (definition.content_hash, task.form)
    if key not in _ui_schemas:
        text = definition.resources.get(ui_schema_name(task.form))
        _ui_schemas[key] = json.loads(text) if text else {}
    return _ui_schemas[key]


def validate_submission(validator: Any, data: dict[str, Any]) -> None:
    """Refuse data that does not fit the form, naming each field and the reason."""
    schema = validator.schema
    problems: dict[str, str] = {}
    rules: dict[str, tuple[str, Any]] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        for field in _fields_of(error):
            problems.setdefault(field, _reason(error, schema))
            rules.setdefault(field, _rule(error))
    if problems:
        listed = "; ".join(f"{field}: {reason}" for field, reason in problems.items())
        raise FormRejected(f"the form is not filled in correctly: {listed}", problems, rules)


def _fields_of(error: jsonschema.ValidationError) -> list[str]:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        # One error per missing field, but none says which: name every missing one.
        missing = [f for f in error.validator_value if f not in (error.instance or {})]
        if missing:
            return [".".join([*path, f]) for f in missing]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return [".".join([*path, f]) for f in error.instance if f not in allowed]
    return [".".join(path) or "(form)"]


def _reason(error: jsonschema.ValidationError, schema: dict[str, Any]) -> str:
    kind = error.validator
    if kind == "required":
        return "required"
    if kind == "additionalProperties":
        return "not a field of this form"
    if kind == "enum":
        return "choose one of: " + ", ".join(str(v) for v in error.validator_value)
    if kind == "type":
        return f"must be of type {error.validator_value}"
    if kind in ("anyOf", "oneOf") and _choices(error.validator_value):
        return "choose one of: " + ", ".join(str(v) for v in _choices(error.validator_value))
    if kind == "not" and error.validator_value == {}:
        return "there is nothing to choose from"
    if kind == "formatMinimum":
        return f"must be {earliest_day(error.validator_value).isoformat()} or later"
    if kind in ("minLength", "maxLength", "minimum", "maximum", "format", "pattern"):
        return f"{kind} {error.validator_value}: {error.message}"
    return error.message


def _choices(alternatives: Any) -> list[Any]:
    """The values of choices written as ``[{"const": ..., "title": ...}, ...]``."""
    if not isinstance(alternatives, list) or not all(
            isinstance(a, dict) and "const" in a for a in alternatives):
        return []
    return [a["const"] for a in alternatives]


def _rule(error: jsonschema.ValidationError) -> tuple[str, Any]:
    if error.validator in ("required", "additionalProperties"):
        return str(error.validator), None
    if error.validator in ("anyOf", "oneOf") and _choices(error.validator_value):
        return "enum", _choices(error.validator_value)
    if error.validator == "not" and error.validator_value == {}:
        return "enum", []
    if error.validator == "formatMinimum":  # the day itself, so a page can name it
        return "formatMinimum", earliest_day(error.validator_value).isoformat()
    return str(error.validator), error.validator_value


def preview_validator(schema: dict[str, Any]) -> Any:
    """A validator for trying a form out before it is deployed: choices that come from the
    task data stand for themselves (one choice named after their variable)."""
    return _validator(checkable(schema))
