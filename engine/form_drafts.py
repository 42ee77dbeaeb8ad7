"""The form editor's command: save a form of a draft (its JSON Schema and UI schema), checked,
and never silently remove or rename a field that the diagram reads.

A form belongs to the draft and is deployed with it as part of the next version. Saving a
form of a process without a draft starts the draft from the latest version.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from . import audit
from .clock import now
from .db import Database
from .deploy import require_latest_definition
from .diagrams import Problem
from .drafts import DraftConflict, check_diagram, draft_of_latest, resources_of
from .errors import InvalidInput, NotFound
from .form_readers import Reader, readers_of
from .forms import schema_problem, ui_schema_name
from .models import Draft, DraftForm
from .process_owners import require_process_owner

# A form's file name, as the catalogue names them: budget-begroting-schema.json.
FORM_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,150}-schema\.json\Z")
# A field is read by conditions and scripts as a Python name.
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z")


class FieldsInUse(InvalidInput):
    """The save would remove or rename fields that elements of the diagram read."""

    def __init__(self, readers: list[Reader]) -> None:
        listed = "; ".join(f'{r.field} (read by the {r.what} of "{r.name}")' for r in readers)
        super().__init__(f"fields that the diagram reads would be removed or renamed: {listed}",
                         {"fields": "in use"})
        self.readers = readers


@dataclass(frozen=True)
class OpenedForm:
    """What the form editor opens: the schema and UI schema text, and the form's revision in
    the draft (None: the draft has not saved this form yet)."""

    key: str
    name: str
    schema: str | None
    ui_schema: str | None
    revision: int | None


@dataclass(frozen=True)
class SavedForm:
    key: str
    name: str
    revision: int
    saved_at: datetime
    problems: list[Problem]


def opened_form(session: Session, key: str, name: str) -> OpenedForm:
    """The form as the draft has it, else as the latest version has it (None: a new form)."""
    check_form_name(name)
    draft = session.get(Draft, key)
    if draft is not None:
        resources = resources_of(session, draft)
    else:
        resources = dict(require_latest_definition(session, key).resources)
    saved = session.get(DraftForm, (key, name))
    return OpenedForm(key, name, resources.get(name), resources.get(ui_schema_name(name)),
                      saved.revision if saved is not None else None)


def save_form(db: Database, key: str, name: str, schema_text: str, ui_text: str | None,
              actor: str, revision: int | None, *, removals_confirmed: bool = False
              ) -> SavedForm:
    """Save form ``name`` of the draft of ``key``; ``revision`` is the form's revision the
    editor opened. Fields the diagram reads may go only with ``removals_confirmed``."""
    with db.reading() as session:  # who asks comes first: a stranger learns nothing
        require_process_owner(session, actor)
    check_form_name(name)
    schema = parse_schema(schema_text)
    ui_schema = _parse_object(ui_text, "the UI schema") if ui_text and ui_text.strip() else None
    with db.transaction() as session:
        require_process_owner(session, actor)
        draft = session.get(Draft, key)
        if draft is None:
            draft = draft_of_latest(session, key, actor)
            session.add(draft)
            session.flush()
        before = resources_of(session, draft).get(name)
        gone = _fields(before) - set(schema.get("properties", {})) if before else set()
        readers = readers_of(draft.bpmn_xml, gone)
        if readers and not removals_confirmed:
            raise FieldsInUse(readers)
        form = _stored(session, key, name, _dumped(schema), actor, revision)
        if ui_schema is not None:
            _stored(session, key, ui_schema_name(name), _dumped(ui_schema), actor, None,
                    check_revision=False)
        session.flush()
        audit.record(session, "form_saved", actor, details={
            "process": key, "form": name, "revision": form.revision,
            "removed_fields": sorted(gone)})
        saved = SavedForm(key, name, form.revision, form.saved_at, [])
        xml, resources = draft.bpmn_xml, resources_of(session, draft)
    return SavedForm(saved.key, saved.name, saved.revision, saved.saved_at,
                     check_diagram(db, key, xml, resources))


def _stored(session: Session, key: str, name: str, text: str, actor: str,
            revision: int | None, *, check_revision: bool = True) -> DraftForm:
    form = session.get(DraftForm, (key, name))
    if check_revision and (form.revision if form is not None else None) != revision:
        raise DraftConflict(key, form.saved_by if form else None, form.saved_at if form else None)
    if form is None:
        form = DraftForm(key=key, name=name, text=text, saved_by=actor, saved_at=now())
        session.add(form)
    else:
        form.text, form.saved_by, form.saved_at = text, actor, now()
    return form


def check_form_name(name: str) -> str:
    if not isinstance(name, str) or not FORM_NAME.fullmatch(name):
        raise NotFound(f"there is no form named {name!r}: a form's name is lower case and ends "
                       "in -schema.json")
    return name


def parse_schema(text: str) -> dict[str, Any]:
    """The form's JSON Schema, or InvalidInput naming what is wrong with it."""
    schema = _parse_object(text, "the form")
    if schema.get("type") != "object" or not isinstance(schema.get("properties", {}), dict):
        raise InvalidInput('a form is a JSON Schema of "type": "object" with "properties"',
                           {"schema": "not an object schema"})
    for field, prop in schema.get("properties", {}).items():
        _check_field(field, prop)
        items = prop.get("items") if isinstance(prop, dict) else None
        if isinstance(items, dict) and items.get("type") == "object":
            for sub, sub_prop in (items.get("properties") or {}).items():
                _check_field(sub, sub_prop, within=field)
    problem = schema_problem(schema)
    if problem:
        raise InvalidInput(problem, {"schema": "invalid"})
    return schema


def _check_field(field: str, prop: Any, within: str | None = None) -> None:
    where = f" in {within}" if within else ""
    if not FIELD_NAME.fullmatch(field) or keyword.iskeyword(field):
        raise InvalidInput(f'field name "{field}"{where} is not a valid name: start with a '
                           "letter, then letters, digits or _ (no spaces)", {field: "name"})
    if not isinstance(prop, dict):
        raise InvalidInput(f'field "{field}"{where} is not a JSON Schema object', {field: "type"})


def _parse_object(text: str | None, what: str) -> dict[str, Any]:
    def no_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise InvalidInput(f"{what} names {', '.join(twice)} more than once: each field "
                               "name must be unique", {"schema": "duplicate"})
        return dict(pairs)
    try:
        value = json.loads(text or "", object_pairs_hook=no_twice)
    except json.JSONDecodeError as err:
        raise InvalidInput(f"{what} is not valid JSON: {err.msg} at line {err.lineno}, column "
                           f"{err.colno}", {"schema": "json"}) from None
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be a JSON object", {"schema": "json"})
    return value


def _fields(text: str) -> set[str]:
    try:
        return set(json.loads(text).get("properties") or {})
    except (ValueError, AttributeError):
        return set()


def _dumped(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
