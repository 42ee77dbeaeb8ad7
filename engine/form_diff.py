"""The difference between the resources of two versions: forms field by field (title, type,
required, choices and every other rule), form layouts key by key, other files as a whole."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from .changes import ADDED, CHANGED, REMOVED, Change, Subject, compare_facts
from .diagram_facts import Facts

UI_SUFFIX, FORM_SUFFIX = "-uischema.json", "-schema.json"
_FIELD_SKIPPED = ("properties", "required")
# The value of a whole field's change (added or removed): whether it is required.
REQUIRED, OPTIONAL = "required", "optional"


def resource_changes(old: dict[str, str], new: dict[str, str],
                     old_users: dict[str, tuple[str, ...]],
                     new_users: dict[str, tuple[str, ...]]) -> list[Change]:
    """The changes of each resource, by file name; ``*_users``: form -> the elements showing it."""
    changes: list[Change] = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        resources, users = (new, new_users) if after is not None else (old, old_users)
        form = name.removesuffix(UI_SUFFIX) + FORM_SUFFIX if name.endswith(UI_SUFFIX) else name
        subject = Subject(name, resource_type(name), _title(resources.get(form)),
                          used_by=users.get(form, ()))
        if before is None:
            changes.append(Change(ADDED, subject))
        elif after is None:
            changes.append(Change(REMOVED, subject))
        else:
            changes += _content_changes(subject, before, after)
    return changes


def resource_type(name: str) -> str:
    if name.endswith(UI_SUFFIX):
        return "uiSchema"
    return {".json": "form", ".dmn": "dmn"}.get(name[name.rfind("."):], "file")


def _content_changes(subject: Subject, before: str, after: str) -> list[Change]:
    old, new = _json(before), _json(after)
    if subject.type == "form" and isinstance(old, dict) and isinstance(new, dict):
        return _without_parts_of_new_fields(
            compare_facts(subject, form_facts(old), form_facts(new)))
    if subject.type == "uiSchema" and isinstance(old, dict) and isinstance(new, dict):
        return compare_facts(subject, _layout_facts(old), _layout_facts(new))
    return [Change(CHANGED, subject, "content")]


def form_facts(schema: dict[str, Any]) -> Facts:
    """A JSON Schema form's facts: its title and rules, and each field's (``a.b`` inside
    objects and lists of objects)."""
    facts: Facts = {}
    for key, value in schema.items():
        if key in ("title", "description"):
            facts[key, ""] = _text(value)
        elif key not in _FIELD_SKIPPED:
            facts["rule", key] = _text(value)
    _field_facts(facts, schema, "")
    return facts


def _field_facts(facts: Facts, schema: dict[str, Any], prefix: str) -> None:
    required = set(schema.get("required") or ())
    for name, field in (schema.get("properties") or {}).items():
        if not isinstance(field, dict):
            continue
        path = prefix + name
        facts["field", path] = path  # presence only: the title is a rule of its own
        facts["field:required", path] = "true" if name in required else "false"
        for key, value in field.items():
            items = value if key == "items" and isinstance(value, dict) else None
            if key == "properties" or (items is not None and "properties" in items):
                _field_facts(facts, items or field, path + ".")
            elif not (key == "required" and "properties" in field):
                facts["field:" + key, path] = _text(value)


def _without_parts_of_new_fields(changes: list[Change]) -> list[Change]:
    """A field that was added or removed is one change, not one per rule of it; its value
    says whether it is (was) required, the one rule a reader needs with it."""
    whole = {c.detail for c in changes if c.aspect == "field" and (c.old is None or c.new is None)}
    required = {c.detail for c in changes if c.aspect == "field:required" and c.detail in whole
                and "true" in (c.old, c.new)}

    def inside(path: str) -> bool:
        return any(path.startswith(field + ".") for field in whole)

    def whole_field(change: Change) -> Change:
        need = REQUIRED if change.detail in required else OPTIONAL
        return replace(change, new=need) if change.old is None else replace(change, old=need)

    return [whole_field(c) if c.aspect == "field" and c.detail in whole else c
            for c in changes if not c.aspect.startswith("field")
            or not (inside(c.detail) or (c.aspect != "field" and c.detail in whole))]


def _layout_facts(layout: dict[str, Any]) -> Facts:
    return {("layout", key): _text(value) for key, value in layout.items()}


def _title(text: str | None) -> str:
    found = _json(text) if text else None
    title = found.get("title") if isinstance(found, dict) else None
    return " ".join(title.split()) if isinstance(title, str) else ""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _text(value: Any) -> str:
    """A rule's value as a reader sees it: a string as is, a list of strings as ``a, b``."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
