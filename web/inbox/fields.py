"""A task's JSON Schema as HTML form fields, and a submitted HTML form back as JSON data.

Fields are named by their path (``agenda-0-titel`` for ``agenda[0].titel``); the engine names
problems by dotted path (``agenda.0.titel``), and ``field_name`` turns one into the other.
The engine validates; here only text becomes numbers, booleans and lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import NumberFormatError, parse_decimal
from werkzeug.datastructures import MultiDict

# A list of objects (agenda items) gets this many rows more when the user asks for one.
ADD_ROW = "_add_row"


@dataclass
class Field:
    name: str
    label: str
    widget: str  # text, textarea, number, integer, date, radio, select, yesno, lines, checkboxes,
    #              rows (a list of objects: ``rows`` holds the fields of each)
    description: str = ""
    required: bool = False
    value: Any = ""
    options: list[str] = field(default_factory=list)
    max_length: int | None = None
    textarea_rows: int = 4
    rows: list[list[Field]] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return "field-" + self.name

    @property
    def first_id(self) -> str:
        """Where an error summary links to: the field, or the first choice of a group."""
        if self.widget in ("radio", "yesno", "checkboxes"):
            return f"{self.html_id}-0"
        if self.widget == "rows" and self.rows and self.rows[0]:
            return self.rows[0][0].first_id
        return self.html_id


def field_name(path: str) -> str:
    return path.replace(".", "-")


def fields_of(schema: dict[str, Any], ui_schema: dict[str, Any],
              submitted: MultiDict[str, str] | None = None, extra_row: str | None = None,
              prefix: str = "") -> list[Field]:
    """The fields of an object schema in the order of ``ui:order``, with the submitted values
    (or the schema's defaults when nothing was submitted yet)."""
    properties = schema.get("properties", {})
    order = [n for n in ui_schema.get("ui:order", []) if n in properties]
    order += [n for n in properties if n not in order]
    required = set(schema.get("required", []))
    return [_field(prefix + name, properties[name], ui_schema.get(name, {}),
                   name in required, submitted, extra_row) for name in order]


def _field(name: str, prop: dict[str, Any], ui: dict[str, Any], required: bool,
           submitted: MultiDict[str, str] | None, extra_row: str | None) -> Field:
    widget = _widget(prop, ui)
    made = Field(name=name, label=prop.get("title") or name, widget=widget,
                 description=prop.get("description", ""), required=required,
                 max_length=prop.get("maxLength"),
                 textarea_rows=int(ui.get("ui:options", {}).get("rows", 4)))
    if widget in ("radio", "select"):
        made.options = [str(v) for v in prop["enum"]]
    elif widget == "checkboxes":
        made.options = [str(v) for v in prop["items"]["enum"]]
    if widget == "rows":
        count = _row_count(name, submitted) + (1 if extra_row == name else 0)
        made.rows = [fields_of(prop["items"], ui.get("items", {}), submitted, extra_row,
                               prefix=f"{name}-{i}-") for i in range(max(count, 1))]
    elif submitted is None:
        made.value = _default(prop, widget)
    elif widget == "checkboxes":
        made.value = submitted.getlist(name)
    else:
        made.value = submitted.get(name, "")
    return made


def _widget(prop: dict[str, Any], ui: dict[str, Any]) -> str:
    kind, chosen = prop.get("type"), ui.get("ui:widget")
    if kind == "array":
        items = prop.get("items", {})
        if items.get("type") == "object":
            return "rows"
        return "checkboxes" if "enum" in items else "lines"
    if "enum" in prop:
        return "select" if chosen == "select" or len(prop["enum"]) > 6 else "radio"
    if kind == "boolean":
        return "yesno"
    if kind in ("number", "integer"):
        return str(kind)
    if prop.get("format") == "date":
        return "date"
    if chosen == "textarea" or (prop.get("maxLength") or 0) > 300:
        return "textarea"
    return "text"


def _default(prop: dict[str, Any], widget: str) -> Any:
    default = prop.get("default")
    if widget == "yesno":
        return "" if default is None else ("true" if default else "false")
    if widget == "lines":
        return "\n".join(str(v) for v in default or [])
    if widget == "checkboxes":
        return [str(v) for v in default or []]
    return "" if default is None else str(default)


def _row_count(name: str, submitted: MultiDict[str, str] | None) -> int:
    if submitted is None:
        return 1
    indexes = {int(key[len(name) + 1:].split("-", 1)[0]) for key in submitted
               if key.startswith(name + "-") and key[len(name) + 1:].split("-", 1)[0].isdigit()}
    return max(indexes, default=0) + 1


def read_submission(schema: dict[str, Any], form: MultiDict[str, str], locale: str,
                    prefix: str = "") -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON data of a submitted form and the fields whose text could not be read (name ->
    ``number``, ``integer`` or ``boolean``). Empty fields are left out: the schema decides
    whether they were required."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, prop in schema.get("properties", {}).items():
        key = prefix + name
        widget = _widget(prop, {})
        if widget == "rows":
            rows = []
            for i in range(_row_count(key, form)):
                row, row_problems = read_submission(prop["items"], form, locale, f"{key}-{i}-")
                problems.update(row_problems)
                if row:  # a row left empty is no item
                    rows.append(row)
            if rows or any(k.startswith(key + "-") for k in form):
                data[name] = rows
            continue
        if widget == "checkboxes":
            data[name] = form.getlist(key)
            continue
        text = form.get(key, "").strip()
        if not text:
            continue
        try:
            data[name] = _typed(text, widget, locale)
        except ValueError:
            problems[key] = widget if widget in ("number", "integer") else "boolean"
    return data, problems


def _typed(text: str, widget: str, locale: str) -> Any:
    if widget == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if widget == "yesno":
        if text not in ("true", "false"):
            raise ValueError(text)
        return text == "true"
    if widget in ("number", "integer"):
        number = _parse_number(text, locale)
        if widget == "integer":
            if number != number.to_integral_value():
                raise ValueError(text)
            return int(number)
        return int(number) if number == number.to_integral_value() else float(number)
    return text


def _parse_number(text: str, locale: str) -> Decimal:
    """Numbers as people of the language write them ("1.234,50" in Dutch), or plain ("1234.5")."""
    for attempt in (locale, "en"):
        try:
            return parse_decimal(text.replace(" ", ""), locale=attempt, strict=True)
        except NumberFormatError:
            continue
    raise ValueError(text)
