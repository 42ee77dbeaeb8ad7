"""The words of the diff: element types, aspects and values as the editor names them
("Gebruikerstaak", "baan", "standaardpad", "duur"). Built on each call, so that they come out
in the language of the request. The short words carry the context "diff": "condition" here is
a label, not the "de voorwaarde" of other sentences."""

from __future__ import annotations

import ast

from flask_babel import gettext as _
from flask_babel import pgettext

from engine.changes import Subject


def type_label(subject: Subject) -> str:
    if subject.event == "timer":
        if subject.type == "startEvent":
            return _("Timer start event")
        if subject.type in ("boundaryEvent", "intermediateCatchEvent"):
            return _("Timer")
    return _types().get(subject.type, subject.type)


def resource_label(subject: Subject) -> str:
    name = subject.label
    return {"form": _("Form '%(name)s'", name=name),
            "uiSchema": _("Layout of form '%(name)s'", name=name),
            "dmn": _("Decision table '%(name)s'", name=name)}.get(
        subject.type, _("File '%(name)s'", name=name))


def aspect_label(aspect: str, detail: str) -> str:
    """What changed, as the slot of "…: %(aspect)s old → new"."""
    if aspect.startswith("field:"):
        rule = aspect.removeprefix("field:")
        rule_label = _field_rules().get(rule) or pgettext("diff", "rule '%(name)s'", name=rule)
        return pgettext("diff", "field '%(field)s': %(rule)s", field=detail, rule=rule_label)
    if aspect == "property":
        return _properties().get(detail) or pgettext("diff", "property '%(name)s'", name=detail)
    if aspect.startswith("operator:"):
        setting = aspect.removeprefix("operator:")
        return pgettext("diff", "operator setting '%(name)s'", name=setting)
    named = {
        "parameter": pgettext("diff", "parameter '%(name)s'", name=detail),
        "parameterType": pgettext("diff", "type of parameter '%(name)s'", name=detail),
        "attribute": pgettext("diff", "attribute '%(name)s'", name=detail),
        "extension": pgettext("diff", "extension '%(name)s'", name=detail),
        "other": pgettext("diff", "part '%(name)s'", name=detail),
        "rule": pgettext("diff", "rule '%(name)s'", name=detail),
        "layout": pgettext("diff", "layout of '%(name)s'", name=detail),
        "field": pgettext("diff", "field '%(name)s'", name=detail),
    }
    return named.get(aspect) or _aspects().get(aspect, aspect)


def value_label(aspect: str, value: str) -> str:
    """A value in words where it is one of a few (a type, a timer's kind); else as written."""
    if aspect == "type":
        return _types().get(value, value)
    if aspect == "timer":
        return _timer_value(value)
    words = {"timerKind": _timer_kinds(), "loop": _loops(), "event": _events()}.get(aspect)
    if words is None:
        return value
    return ", ".join(words.get(part, part) for part in value.split(", "))


def _timer_value(value: str) -> str:
    """A timer written as a quoted literal ("P14D") reads as its value; an expression as is."""
    try:
        literal = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value
    return literal if isinstance(literal, str) else value


def _types() -> dict[str, str]:
    return {
        "process": _("Process"), "participant": _("Pool"), "lane": _("Lane"),
        "task": _("Task"), "userTask": _("User task"), "manualTask": _("Manual task"),
        "scriptTask": _("Script task"), "serviceTask": _("Service task"),
        "sendTask": _("Send task"), "receiveTask": _("Receive task"),
        "businessRuleTask": _("Business rule task"), "callActivity": _("Call activity"),
        "subProcess": _("Sub-process"), "adHocSubProcess": _("Ad-hoc sub-process"),
        "transaction": _("Transaction"), "startEvent": _("Start event"),
        "endEvent": _("End event"), "intermediateCatchEvent": _("Intermediate catch event"),
        "intermediateThrowEvent": _("Intermediate throw event"),
        "boundaryEvent": _("Boundary event"), "exclusiveGateway": _("Exclusive gateway"),
        "parallelGateway": _("Parallel gateway"), "inclusiveGateway": _("Inclusive gateway"),
        "eventBasedGateway": _("Event-based gateway"), "complexGateway": _("Complex gateway"),
        "sequenceFlow": _("Sequence flow"), "messageFlow": _("Message flow"),
        "message": _("Message"), "signal": _("Signal"), "error": _("Error"),
        "escalation": _("Escalation"), "dataObject": _("Data object"),
        "dataObjectReference": _("Data object"), "dataStoreReference": _("Data store"),
        "dataStore": _("Data store"), "textAnnotation": _("Text annotation"),
        "association": _("Association"), "group": _("Group"),
    }


def _aspects() -> dict[str, str]:
    return {
        "type": pgettext("diff", "kind"),
        "name": pgettext("diff", "name"),
        "lane": pgettext("diff", "lane"),
        "documentation": pgettext("diff", "documentation"),
        "default": pgettext("diff", "default flow"),
        "host": pgettext("diff", "attached to"),
        "source": pgettext("diff", "start point"),
        "target": pgettext("diff", "end point"),
        "calledElement": pgettext("diff", "called process"),
        "condition": pgettext("diff", "condition"),
        "script": pgettext("diff", "script"),
        "preScript": pgettext("diff", "script before"),
        "postScript": pgettext("diff", "script after"),
        "form": pgettext("diff", "form"),
        "operator": pgettext("diff", "service operator"),
        "event": pgettext("diff", "kind of event"),
        "timerKind": pgettext("diff", "kind of timer"),
        "timer": pgettext("diff", "timer"),
        "loop": pgettext("diff", "repetition"),
        "loopInput": pgettext("diff", "collection"),
        "loopOutput": pgettext("diff", "output collection"),
        "inputItem": pgettext("diff", "element variable"),
        "outputItem": pgettext("diff", "output variable"),
        "cardinality": pgettext("diff", "loop cardinality"),
        "completion": pgettext("diff", "completion condition"),
        "text": pgettext("diff", "text"),
        "title": pgettext("diff", "title"),
        "description": pgettext("diff", "description"),
    }


def _properties() -> dict[str, str]:
    """The properties the editor names (engine.runtime and the start events' scope)."""
    return {
        "dueDate": pgettext("diff", "due date"),
        "assignee": pgettext("diff", "assigned to"),
        "separateFrom": pgettext("diff", "not by the same person as"),
        "scope": pgettext("diff", "scope"),
        "scopeField": pgettext("diff", "scope from the start form"),
        "formUiSchemaFilename": pgettext("diff", "form layout"),
    }


def _field_rules() -> dict[str, str]:
    return {
        "title": pgettext("diff", "title"),
        "type": pgettext("diff", "type"),
        "enum": pgettext("diff", "choices"),
        "description": pgettext("diff", "description"),
        "format": pgettext("diff", "format"),
        "default": pgettext("diff", "default"),
    }


def _timer_kinds() -> dict[str, str]:
    return {
        "timeDate": pgettext("diff", "date"),
        "timeDuration": pgettext("diff", "duration"),
        "timeCycle": pgettext("diff", "cycle"),
    }


def _loops() -> dict[str, str]:
    return {
        "parallel": pgettext("diff", "parallel multi-instance"),
        "sequential": pgettext("diff", "sequential multi-instance"),
        "standard": pgettext("diff", "loop"),
    }


def _events() -> dict[str, str]:
    return {
        "timer": pgettext("diff", "timer"),
        "message": pgettext("diff", "message"),
        "signal": pgettext("diff", "signal"),
        "error": pgettext("diff", "error"),
        "escalation": pgettext("diff", "escalation"),
        "conditional": pgettext("diff", "condition"),
        "terminate": pgettext("diff", "terminate"),
        "link": pgettext("diff", "link"),
        "compensate": pgettext("diff", "compensation"),
        "cancel": pgettext("diff", "cancel"),
    }
