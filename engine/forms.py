"""Task forms: JSON Schema files deployed with the diagram; submissions are checked against them."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from jsonschema.validators import validator_for

from .errors import InvalidInput
from .models import HumanTask, ProcessDefinition

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
    """The validator of a task's form; versions never change, so it is built once."""
    if not task.form:
        return None
    return definition_form_validator(task.instance.definition, task.form)


def definition_form_validator(definition: ProcessDefinition, form: str) -> Any:
    """The validator of the form ``form`` deployed with ``definition`` (None: not deployed)."""
    key = (definition.content_hash, form)
    if key not in _validators:
        text = definition.resources.get(form)
        if text is None:
            return None
        schema = json.loads(text)
        _validators[key] = validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())
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
    if kind in ("minLength", "maxLength", "minimum", "maximum", "format", "pattern"):
        return f"{kind} {error.validator_value}: {error.message}"
    return error.message


def _rule(error: jsonschema.ValidationError) -> tuple[str, Any]:
    if error.validator in ("required", "additionalProperties"):
        return str(error.validator), None
    return str(error.validator), error.validator_value
