"""The changes between two versions in words: one sentence per change, in the user's language,
built from the engine's structured changes ("Timer 'Termijn' op 'Stukken versturen': P7D →
P14D"). The diff page and ``govflow diff`` print the same sentences."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from engine.changes import ADDED, MOVED, REMOVED, Change, Diff, Subject
from engine.form_diff import REQUIRED

from .diff_words import aspect_label, resource_label, type_label, value_label

# A value longer than this, or on several lines, is shown apart from its sentence.
LONG = 80
# Names and references read as quoted names; expressions and scripts as they are written.
_QUOTED = {"name", "lane", "host", "source", "target", "calledElement", "form", "operator",
           "loopInput", "loopOutput", "inputItem", "outputItem", "property", "attribute",
           "title", "description", "field:title", "field:description"}


@dataclass(frozen=True)
class Line:
    """One change in words; ``old``/``new`` are set when they are too long for the sentence."""

    kind: str
    element: str  # the diagram element to mark and show; "" for a form no element shows
    text: str
    old: str | None = None
    new: str | None = None


def lines(diff: Diff) -> list[Line]:
    return [line(change) for change in diff.changes]


def moved_lines(diff: Diff) -> list[Line]:
    return [line(change) for change in diff.moved]


def line(change: Change) -> Line:
    subject = change.subject
    element = subject.used_by[0] if subject.used_by else "" if subject.is_resource else subject.id
    what = describe(subject)
    if change.kind in (ADDED, REMOVED, MOVED):
        sentence = {ADDED: _("%(what)s added", what=what),
                    REMOVED: _("%(what)s removed", what=what),
                    MOVED: _("%(what)s moved on the drawing", what=what)}[change.kind]
        return Line(change.kind, element, sentence)
    old, new = _value(change, change.old), _value(change, change.new)
    if _long(old) or _long(new):
        return Line(change.kind, element, _long_sentence(change, what), old, new)
    return Line(change.kind, element, _sentence(change, what, old, new))


def describe(subject: Subject) -> str:
    """The element as a reader finds it on the drawing: its kind and name, and where it is."""
    if subject.is_resource:
        return resource_label(subject)
    kind, name = type_label(subject), subject.label
    if subject.source or subject.target:
        if subject.name:
            return _("%(type)s '%(name)s' from '%(source)s' to '%(target)s'", type=kind,
                     name=name, source=subject.source, target=subject.target)
        return _("%(type)s from '%(source)s' to '%(target)s'", type=kind,
                 source=subject.source, target=subject.target)
    if subject.host:
        return _("%(type)s '%(name)s' on '%(host)s'", type=kind, name=name, host=subject.host)
    return _("%(type)s '%(name)s'", type=kind, name=name)


def _sentence(change: Change, what: str, old: str | None, new: str | None) -> str:
    special = _special(change, what, old, new)
    if special is not None:
        return special
    aspect = aspect_label(change.aspect, change.detail)
    if old is None:
        if change.aspect == "field" and change.new == REQUIRED:
            return _("%(what)s: %(aspect)s added (required)", what=what, aspect=aspect)
        if change.aspect == "field":
            return _("%(what)s: %(aspect)s added", what=what, aspect=aspect)
        return _("%(what)s: %(aspect)s added: %(new)s", what=what, aspect=aspect, new=new)
    if new is None:
        if change.aspect == "field":
            return _("%(what)s: %(aspect)s removed", what=what, aspect=aspect)
        return _("%(what)s: %(aspect)s removed (was %(old)s)", what=what, aspect=aspect, old=old)
    return _("%(what)s: %(aspect)s %(old)s → %(new)s", what=what, aspect=aspect, old=old,
             new=new)


def _special(change: Change, what: str, old: str | None, new: str | None) -> str | None:
    """The sentences that read better than "aspect old → new"."""
    aspect, both = change.aspect, old is not None and new is not None
    if aspect == "name" and change.subject.type == "lane" and both:
        return _("Lane %(old)s → role %(new)s", old=old, new=new)
    if aspect == "timer" and both:
        return _("%(what)s: %(old)s → %(new)s", what=what, old=old, new=new)
    if aspect == "default" and both:
        return _("%(what)s: the default flow now leads to '%(new)s' (was to '%(old)s')",
                 what=what, old=old, new=new)
    if aspect == "field:required":
        if change.new == "true":
            return _("%(what)s: field '%(field)s' is now required", what=what,
                     field=change.detail)
        return _("%(what)s: field '%(field)s' is no longer required", what=what,
                 field=change.detail)
    if aspect == "content":
        return _("%(what)s changed", what=what)
    return None


def _long_sentence(change: Change, what: str) -> str:
    aspect = aspect_label(change.aspect, change.detail)
    if change.old is None:
        return _("%(what)s: %(aspect)s added", what=what, aspect=aspect)
    if change.new is None:
        return _("%(what)s: %(aspect)s removed", what=what, aspect=aspect)
    return _("%(what)s: %(aspect)s changed", what=what, aspect=aspect)


def _value(change: Change, value: str | None) -> str | None:
    if value is None:
        return None
    shown = value_label(change.aspect, value)
    if change.aspect in _QUOTED or change.aspect.startswith("operator:"):
        return f"'{shown}'" if "\n" not in shown else shown
    return shown if shown.strip() else _("(empty)")


def _long(value: str | None) -> bool:
    return value is not None and ("\n" in value.strip() or len(value) > LONG)
