"""The start form and task forms of a test run, read and shown the inbox's way: the same fields
(``web.inbox.fields``), the same template macros and the same Dutch messages, so that a form
looks and refuses in a run exactly as it will for the participants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import request
from werkzeug.datastructures import MultiDict

from ..i18n import current_language
from ..inbox.fields import ADD_ROW, Field, fields_of, full_list, read_submission, renumbered
from ..inbox.problems import by_field, summary

NO_FORM: dict[str, Any] = {"type": "object", "properties": {}}
Rules = dict[str, tuple[str, Any]]


@dataclass
class ShownForm:
    """A form's fields with what was typed and a message per field that is wrong."""

    fields: list[Field]
    problems: dict[str, str]
    summary: list[tuple[str, str, str]]


@dataclass
class Sent:
    """A submitted form: its data, or (``data`` None) the form to show again and why."""

    data: dict[str, Any] | None
    form: MultiDict[str, str]
    rules: Rules = field(default_factory=dict)
    extra_row: str | None = None


def show_form(schema: dict[str, Any] | None, ui_schema: dict[str, Any],
              submitted: MultiDict[str, str] | None = None, rules: Rules | None = None,
              extra_row: str | None = None, values: dict[str, Any] | None = None) -> ShownForm:
    fields = fields_of(schema or NO_FORM, ui_schema, submitted, extra_row, values=values,
                       locale=current_language())
    problems = by_field(fields, rules or {})
    return ShownForm(fields, problems, summary(fields, problems))


def shown_again(schema: dict[str, Any] | None, ui_schema: dict[str, Any], sent: Sent,
                rules: Rules | None = None) -> ShownForm:
    """The submitted form once more, with the engine's ``rules`` or those of reading it."""
    return show_form(schema, ui_schema, sent.form, rules if rules is not None else sent.rules,
                     sent.extra_row)


def read_form(schema: dict[str, Any] | None) -> Sent:
    """The request's form as data for ``schema``; "one more row" and text that is no number
    (or too many rows) give the form back instead."""
    schema = schema or NO_FORM
    form, too_many = renumbered(schema, request.form)
    if too_many:
        return Sent(None, form, too_many)
    extra_row = form.get(ADD_ROW)
    if extra_row:
        limit = full_list(schema, extra_row, form)
        return Sent(None, form, {extra_row: ("maxItems", limit)} if limit else {}, extra_row)
    data, unreadable = read_submission(schema, form, current_language())
    if unreadable:
        return Sent(None, form, unreadable)
    return Sent(data, form)
