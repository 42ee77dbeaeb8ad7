"""What is wrong with a field, said in the user's language (the engine names the broken rule)."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from .display import answer
from .fields import Field, field_name

# Patterns that only forbid spaces (usernames): their own message says so.
_ONE_WORD = {r"^\S+$", r"^\S*$"}


def message(rule: str, limit: Any, widget: str) -> str:
    """One sentence for a broken JSON Schema rule (or a text that could not be read)."""
    if rule == "required" or (rule == "minLength" and limit == 1):
        if widget in ("radio", "select", "yesno"):
            return _("Choose an answer.")
        return _("Fill in this field.")
    simple = {
        "number": _("Enter a number, for example 1250 or 1,250.50."),
        "integer": _("Enter a whole number."),
        "boolean": _("Choose yes or no."),
        "enum": _("Choose one of the options."),
        "additionalProperties": _("This is not a field of this form."),
        "uniqueItems": _("Each entry may appear only once."),
        "expired": _("This form had expired. Your answers are kept below: check them and send "
                     "the form again."),
    }
    if rule in simple:
        return simple[rule]
    if rule.startswith("file_"):
        return file_message(rule, *limit)
    if rule == "pattern":
        if limit in _ONE_WORD:
            return _("Use one word without spaces.")
        return _("This is not written in the form asked for.")
    if rule == "const":
        return _("Only “%(value)s” can be given here.", value=answer(limit))
    if rule == "formatMinimum":
        return _("Choose %(day)s or a later date.", day=answer(limit))
    if rule == "assignee":
        return _("The next step cannot go to %(names)s: they may not do it (not an active "
                 "user, or not a member of this body now). Choose others and send the form "
                 "again.", names=", ".join(limit))
    if rule == "type":
        return _("Enter a whole number.") if limit == "integer" else _("Enter a valid value.")
    if rule == "format":
        return _("Enter a valid date.") if limit == "date" else _("Enter a valid value.")
    with_limit = {
        "minimum": _("Enter %(limit)s or more."),
        "maximum": _("Enter %(limit)s or less."),
        "exclusiveMinimum": _("Enter more than %(limit)s."),
        "exclusiveMaximum": _("Enter less than %(limit)s."),
        "minLength": _("Use at least %(limit)s characters."),
        "maxLength": _("Use at most %(limit)s characters."),
        "minItems": _("Give at least %(limit)s."),
        "maxItems": _("Give at most %(limit)s."),
        "digits": _("Use at most %(limit)s digits."),

    }
    if rule in with_limit:
        shown = format_decimal(limit) if isinstance(limit, int | float) else limit
        return with_limit[rule] % {"limit": shown}
    return _("Enter a valid value.")


def file_message(rule: str, name: str, megabytes: float) -> str:
    """Why a file was not taken; nothing of the submission was stored."""
    texts = {
        "file_type": _("“%(name)s” is not a kind of file that is taken: send a PDF, Word, "
                       "Excel, PowerPoint or OpenDocument file."),
        "file_content": _("The content of “%(name)s” is not what its name says. Save it "
                          "again in its own program and send it once more."),
        "file_empty": _("“%(name)s” is empty."),
        "file_size": _("“%(name)s” is too large: at most %(size)s MB a file."),
        "file_total": _("The files are too large together (at “%(name)s”): at most %(size)s MB "
                        "at once."),
        "file_unknown": _("A file kept from before is not one of this case. Reload the page."),
        "file_several": _("Only one file can be given here (“%(name)s” is one too many)."),
    }
    return texts.get(rule, texts["file_type"]) % {"name": name,
                                                   "size": format_decimal(megabytes)}


def by_field(fields: list[Field], rules: dict[str, tuple[str, Any]]) -> dict[str, str]:
    """Messages keyed by HTML field name; a problem inside a field (an item of a list) goes to
    the field that holds it, one that belongs to no field to the form as a whole ("")."""
    widgets = _widgets(fields)
    messages: dict[str, str] = {}
    for path, (rule, limit) in rules.items():
        name = field_name(path)
        while name not in widgets and "-" in name:
            name = name.rsplit("-", 1)[0]
        if name not in widgets:
            name = ""
        messages.setdefault(name, message(rule, limit, widgets.get(name, "")))
    return messages


def summary(fields: list[Field], problems: dict[str, str]) -> list[tuple[str, str, str]]:
    """(link target, label, message) per problem in the order of the form, for the summary
    at the top; a problem of the whole form has no target."""
    listed = [(one.first_id, one.label, problems[one.name]) for one in _flat(fields)
              if one.name in problems]
    return listed + ([("", "", problems[""])] if "" in problems else [])


def _flat(fields: list[Field]) -> list[Field]:
    return [item for one in fields
            for item in [one, *(child for row in one.rows for child in _flat(row))]]


def _widgets(fields: list[Field]) -> dict[str, str]:
    found = {}
    for one in fields:
        found[one.name] = one.widget
        for row in one.rows:
            found.update(_widgets(row))
    return found
