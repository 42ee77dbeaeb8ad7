"""A task's JSON Schema as HTML form fields, and a submitted HTML form back as JSON data.

Fields are named by their path (``agenda-0-titel`` for ``agenda[0].titel``); the engine names
problems by dotted path (``agenda.0.titel``), and ``field_name`` turns one into the other.
The engine validates; here only text becomes numbers, booleans and lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from werkzeug.datastructures import MultiDict

from engine.forms import earliest_day

# A list of objects (agenda items) gets this many rows more when the user asks for one.
ADD_ROW = "_add_row"
# Rows a list of objects may have when its schema sets no maxItems: a form posts no more.
MAX_ROWS = 100
# Digits a number may have (before and after the decimal sign together): beyond this a float
# loses precision and formatting breaks, and nobody budgets in more than trillions.
MAX_DIGITS = 15
_ROW_NUMBER = re.compile(r"[0-9]{1,6}")

# What could not be read from a field: (rule, limit), as the engine names a broken rule.
Problems = dict[str, tuple[str, Any]]


@dataclass
class Field:
    name: str
    label: str
    widget: str  # text, textarea, number, integer, date, radio, select, yesno, lines, checkboxes,
    #              rows (a list of objects: ``rows`` holds the fields of each), group (an
    #              object within the form: ``rows`` holds its fields, as one row), file and
    #              files (``value``: the ids of the files kept from before)
    description: str = ""
    required: bool = False
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    max_length: int | None = None
    earliest: str = ""  # a date field's first allowed day (ISO), from ``formatMinimum``
    textarea_rows: int = 4
    rows: list[list[Field]] = field(default_factory=list)
    unit: str = ""  # shown before a number: "€" for an amount ("ui:widget": "amount")

    @property
    def html_id(self) -> str:
        return "field-" + self.name

    @property
    def first_id(self) -> str:
        """Where an error summary links to: the field, or the first choice of a group."""
        if self.widget in ("radio", "yesno", "checkboxes"):
            return f"{self.html_id}-0"
        if self.widget in ("file", "files"):
            return f"{self.html_id}-new"
        if self.widget in ("rows", "group") and self.rows and self.rows[0]:
            return self.rows[0][0].first_id
        return self.html_id


def field_name(path: str) -> str:
    return path.replace(".", "-")


def fields_of(schema: dict[str, Any], ui_schema: dict[str, Any],
              submitted: MultiDict[str, str] | None = None, extra_row: str | None = None,
              prefix: str = "", *, values: dict[str, Any] | None = None,
              locale: str = "en") -> list[Field]:
    """The fields of an object schema in the order of ``ui:order``, with the submitted values;
    when nothing was submitted yet, with ``values`` (what the task data holds) or else the
    schema's defaults."""
    if submitted is None:
        submitted = initial_form(schema, values or {}, locale, prefix)
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
                 textarea_rows=int(ui.get("ui:options", {}).get("rows", 4)),
                 unit="€" if ui.get("ui:widget") == "amount" else "")
    if widget in ("radio", "select"):
        made.options = choices(prop) or []
    elif widget == "checkboxes":
        made.options = choices(prop["items"]) or []
    elif widget == "date" and "formatMinimum" in prop:
        made.earliest = earliest_day(prop["formatMinimum"]).isoformat()
    if widget == "group":
        made.rows = [fields_of(prop, ui, submitted, extra_row, prefix=f"{name}-")]
    elif widget == "rows":
        count = _row_count(name, submitted)
        if extra_row == name and count < max_rows(prop):
            count += 1
        made.rows = [fields_of(prop["items"], ui.get("items", {}), submitted, extra_row,
                               prefix=f"{name}-{i}-") for i in range(max(count, 1))]
    elif widget in ("checkboxes", "file", "files"):
        made.value = submitted.getlist(name)
    else:
        made.value = submitted.get(name, "")
    return made


def choices(prop: dict[str, Any]) -> list[tuple[str, str]] | None:
    """The (value, label) choices of a field: its ``enum``, or ``anyOf``/``oneOf`` alternatives
    that are each one ``const`` with a ``title``; ``not: {}`` is a choice with nothing left to
    choose. None: the field is no choice."""
    if "enum" in prop:
        return [(str(v), str(v)) for v in prop["enum"]]
    for keyword in ("anyOf", "oneOf"):
        alternatives = prop.get(keyword)
        if isinstance(alternatives, list) and alternatives and all(
                isinstance(a, dict) and "const" in a for a in alternatives):
            return [(str(a["const"]), str(a.get("title", a["const"]))) for a in alternatives]
    return [] if prop.get("not") == {} else None


def _choice_values(prop: dict[str, Any]) -> list[Any]:
    if "enum" in prop:
        return list(prop["enum"])
    return [a["const"] for a in prop.get("anyOf") or prop.get("oneOf") or []
            if isinstance(a, dict) and "const" in a]


def _widget(prop: dict[str, Any], ui: dict[str, Any]) -> str:
    kind, chosen = prop.get("type"), ui.get("ui:widget")
    if prop.get("format") == "file":
        return "file"
    if kind == "array":
        items = prop.get("items", {})
        if items.get("format") == "file":
            return "files"
        if items.get("type") == "object":
            return "rows"
        return "checkboxes" if choices(items) is not None else "lines"
    if kind == "object" and "properties" in prop:
        return "group"
    options = choices(prop)
    if options is not None:
        return "select" if chosen == "select" or len(options) > 6 else "radio"
    if kind == "boolean":
        return "yesno"
    if kind in ("number", "integer"):
        return str(kind)
    if prop.get("format") == "date":
        return "date"
    if chosen == "textarea" or (prop.get("maxLength") or 0) > 300:
        return "textarea"
    return "text"


def initial_form(schema: dict[str, Any], values: dict[str, Any], locale: str,
                 prefix: str = "") -> MultiDict[str, str]:
    """``values`` (else each field's default) as the form would post them, so that a form opens
    showing them: numbers in the user's notation, lists one per line, rows numbered."""
    form: MultiDict[str, str] = MultiDict()
    for name, prop in schema.get("properties", {}).items():
        value = values.get(name, prop.get("default"))
        if value is not None:
            _fill(form, prefix + name, prop, value, locale)
    return form


def _fill(form: MultiDict[str, str], key: str, prop: dict[str, Any], value: Any,
          locale: str) -> None:
    widget = _widget(prop, {})
    if widget == "group" and isinstance(value, dict):
        form.update(initial_form(prop, value, locale, f"{key}-"))
    elif widget == "rows" and isinstance(value, list):
        for i, row in enumerate(value[:max_rows(prop)]):
            if isinstance(row, dict):
                form.update(initial_form(prop["items"], row, locale, f"{key}-{i}-"))
    elif widget in ("checkboxes", "files") and isinstance(value, list):
        for item in value:
            form.add(key, str(item))
    elif widget == "lines" and isinstance(value, list):
        form.add(key, "\n".join(_text(item, locale) for item in value))
    elif not isinstance(value, list | dict):
        form.add(key, _text(value, locale))


def _text(value: Any, locale: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_decimal(value, locale=locale, decimal_quantization=False)
    return str(value)


def max_rows(prop: dict[str, Any]) -> int:
    return min(int(prop.get("maxItems") or MAX_ROWS), MAX_ROWS)


def _row_numbers(start: str, keys: Any) -> list[int]:
    """The row numbers present among the keys ``<start><n>-...``, sorted, each once."""
    found = set()
    for key in keys:
        if key.startswith(start):
            head = key[len(start):].split("-", 1)[0]
            if _ROW_NUMBER.fullmatch(head):
                found.add(int(head))
    return sorted(found)


def full_list(schema: dict[str, Any], name: str, form: MultiDict[str, str]) -> int | None:
    """The limit of the list of rows ``name`` (e.g. ``agenda``) when it has no room for
    one more row; None when it has."""
    prop: dict[str, Any] = {"type": "array", "items": schema}
    for part in name.split("-"):
        if not part.isdigit():  # a list's fields are those of its items, a group's its own
            holder = prop.get("items", {}) if prop.get("type") == "array" else prop
            prop = holder.get("properties", {}).get(part, {})
    if _widget(prop, {}) != "rows":
        return None
    limit = max_rows(prop)
    return limit if _row_count(name, form) >= limit else None


def _row_count(name: str, submitted: MultiDict[str, str] | None) -> int:
    if submitted is None:
        return 1
    return len(_row_numbers(name + "-", submitted))


def renumbered(schema: dict[str, Any], form: MultiDict[str, str]
               ) -> tuple[MultiDict[str, str], Problems]:
    """The form with the rows of each list numbered 0, 1, 2, ... as posted (a gap or a huge
    number in a posted name makes no rows of its own), and the lists that have more rows than
    allowed (their rows past the limit are left out)."""
    problems: Problems = {}
    items = _renumber(schema, list(form.items(multi=True)), "", problems)
    return MultiDict(items), problems


def _renumber(schema: dict[str, Any], items: list[tuple[str, str]], prefix: str,
              problems: Problems) -> list[tuple[str, str]]:
    for name, prop in schema.get("properties", {}).items():
        if _widget(prop, {}) == "group":
            items = _renumber(prop, items, f"{prefix}{name}-", problems)
            continue
        if _widget(prop, {}) != "rows":
            continue
        start = f"{prefix}{name}-"
        numbers = _row_numbers(start, (key for key, _value in items))
        limit = max_rows(prop)
        if len(numbers) > limit:
            problems[prefix + name] = ("maxItems", limit)
        new = {old: i for i, old in enumerate(numbers[:limit])}
        items = [(_renamed(key, start, new), value) for key, value in items
                 if not key.startswith(start) or _renamed(key, start, new)]
        for i in range(len(new)):
            items = _renumber(prop["items"], items, f"{start}{i}-", problems)
    return items


def _renamed(key: str, start: str, new: dict[int, int]) -> str:
    """``key`` with its row number replaced; "" for a key of a row that is left out."""
    if not key.startswith(start):
        return key
    head, _dash, rest = key[len(start):].partition("-")
    if not _ROW_NUMBER.fullmatch(head) or int(head) not in new:
        return ""
    return f"{start}{new[int(head)]}-{rest}"


def read_submission(schema: dict[str, Any], form: MultiDict[str, str], locale: str,
                    prefix: str = "") -> tuple[dict[str, Any], Problems]:
    """The JSON data of a submitted form (with its rows numbered by ``renumbered``) and the
    fields whose text could not be read (name -> (rule, limit): ``number``, ``integer``,
    ``boolean``, ``digits``). Empty fields are left out: the schema decides whether they were
    required."""
    data: dict[str, Any] = {}
    problems: Problems = {}
    for name, prop in schema.get("properties", {}).items():
        key = prefix + name
        widget = _widget(prop, {})
        if widget == "group":
            inner, inner_problems = read_submission(prop, form, locale, f"{key}-")
            problems.update(inner_problems)
            if inner:  # a group left empty is left out, as an empty field is
                data[name] = inner
            continue
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
            data[name] = [_chosen(text, prop["items"]) for text in form.getlist(key)]
            continue
        if widget in ("file", "files"):  # the files kept; new ones come with the request
            kept = form.getlist(key)
            if widget == "files":
                data[name] = kept
            elif kept:
                data[name] = kept[-1]
            continue
        text = form.get(key, "").strip()
        if not text:
            if widget == "lines" and name in schema.get("required", []):
                data[name] = []  # a required list may be empty; minItems says when not
            continue
        try:
            data[name] = _typed(text, widget, locale, prop)
        except TooManyDigits:
            problems[key] = ("digits", MAX_DIGITS)
        except ValueError:
            problems[key] = (_kind(widget, prop), None)
    return data, problems


class TooManyDigits(ValueError):
    pass


def _kind(widget: str, prop: dict[str, Any]) -> str:
    """What a field's text should have been: a number, a whole number, yes or no."""
    if widget == "lines":
        widget = _item_widget(prop.get("items", {}))
    return widget if widget in ("number", "integer") else "boolean"


def _item_widget(items: dict[str, Any]) -> str:
    kind = items.get("type")
    return str(kind) if kind in ("number", "integer") else "text"


def _chosen(text: str, prop: dict[str, Any]) -> Any:
    """The choice whose text was chosen: a number stays a number (``[1, 2, 3]``)."""
    return {str(value): value for value in _choice_values(prop)}.get(text, text)


def _typed(text: str, widget: str, locale: str, prop: dict[str, Any]) -> Any:
    if widget == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        item = _item_widget(prop.get("items", {}))
        return [_typed(line, item, locale, {}) for line in lines]
    if widget in ("radio", "select"):
        return _chosen(text, prop)
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
    """Numbers as people of the language write them ("1.234,50" in Dutch), or plain ("1234.5");
    never NaN or Infinity, and at most ``MAX_DIGITS`` digits."""
    for attempt in (locale, "en"):
        try:
            number = parse_decimal(text.replace(" ", ""), locale=attempt, strict=True)
        except (NumberFormatError, InvalidOperation):
            continue
        if not number.is_finite():
            raise ValueError(text)
        if _digits(number) > MAX_DIGITS:
            raise TooManyDigits(text)
        return number
    raise ValueError(text)


def _digits(number: Decimal) -> int:
    """Digits when written out in full: 1E+20 has 21, 0.001 has 4."""
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    return max(len(digits) + exponent, 1) + max(-exponent, 0)
