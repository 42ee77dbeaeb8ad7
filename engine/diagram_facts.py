"""What one BPMN element says about execution, as facts: ``(aspect, detail) -> text``.

Two versions of an element are compared fact by fact, so a fact that only one version has is
an addition or a removal, and one that differs is a change. Aspects name what a process owner
edits (``name``, ``lane``, ``timer``, ``condition``, ``property``…); ``detail`` tells apart the
facts of one aspect (the property's name, the parameter's id). Whatever the editor does not
name still counts: unknown attributes and children become ``attribute`` and ``other`` facts.
Ids of an element's parts (a timer definition, a data item) are left out: they do not run.
"""

from __future__ import annotations

from lxml import etree

from .runtime import FORM_PROPERTY

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
PREFIXES = {BPMN_NS: "", SPIFF_NS: "spiffworkflow:"}

Facts = dict[tuple[str, str], str]

# Elements compared in their own right (by id); every other element is part of its owner.
FLOW_NODES = frozenset({
    "task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "adHocSubProcess", "transaction",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
    "eventBasedGateway", "complexGateway",
})
SUBJECTS = FLOW_NODES | {
    "process", "participant", "lane", "sequenceFlow", "messageFlow", "message", "signal",
    "error", "escalation", "dataObject", "dataObjectReference", "dataStoreReference",
    "dataStore", "textAnnotation", "association", "group",
}
# Attributes that are an aspect of their own; their values are ids of other elements.
REFERENCES = {"default": "default", "attachedToRef": "host", "sourceRef": "source",
              "targetRef": "target"}
_SKIPPED = {"incoming", "outgoing", "flowNodeRef", "laneSet", "childLaneSet"}
_TEXTS = {"documentation": "documentation", "conditionExpression": "condition",
          "script": "script", "text": "text"}
_TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
_LOOP_TEXTS = {"loopDataInputRef": "loopInput", "loopDataOutputRef": "loopOutput",
               "loopCardinality": "cardinality", "completionCondition": "completion"}


def local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def qualified(name: str) -> str:
    """An attribute or tag as written: ``spiffworkflow:x`` for SpiffArena's, ``x`` for BPMN's."""
    found = etree.QName(name)
    prefix = PREFIXES.get(found.namespace or "", f"{{{found.namespace}}}")
    return prefix + found.localname if found.namespace else found.localname


def is_subject(element: etree._Element) -> bool:
    return (isinstance(element.tag, str) and etree.QName(element).namespace == BPMN_NS
            and local(element.tag) in SUBJECTS and bool(element.get("id")))


def element_facts(element: etree._Element, lane: str | None = None) -> Facts:
    """The facts of one element; ``lane`` is the id of the lane that holds it, if any."""
    facts: Facts = {("type", ""): local(element.tag)}
    if element.get("name") is not None:
        facts["name", ""] = element.get("name", "")
    if lane:
        facts["lane", ""] = lane
    for name, value in element.attrib.items():
        _attribute_fact(facts, name, value)
    for child in element:
        if isinstance(child.tag, str) and not is_subject(child):
            _child_facts(facts, child)
    return facts


def _attribute_fact(facts: Facts, name: str, value: str) -> None:
    if name in ("id", "name"):
        return
    if name in REFERENCES:
        facts[REFERENCES[name], ""] = value
    elif name == "calledElement":
        facts["calledElement", ""] = value
    else:
        facts["attribute", qualified(name)] = value


def _child_facts(facts: Facts, child: etree._Element) -> None:
    tag = local(child.tag)
    if tag in _SKIPPED:
        return
    if tag in _TEXTS:
        _add(facts, (_TEXTS[tag], ""), (child.text or "").strip())
    elif tag == "extensionElements":
        for extension in child:
            if isinstance(extension.tag, str):
                _extension_facts(facts, extension)
    elif tag.endswith("EventDefinition"):
        _event_facts(facts, child)
    elif tag in ("multiInstanceLoopCharacteristics", "standardLoopCharacteristics"):
        _loop_facts(facts, child)
    else:
        _add(facts, ("other", qualified(child.tag)), canonical(child))


def _extension_facts(facts: Facts, extension: etree._Element) -> None:
    tag = qualified(extension.tag)
    if tag == "spiffworkflow:properties":
        for prop in extension.iterchildren(f"{{{SPIFF_NS}}}property"):
            name, value = prop.get("name", ""), prop.get("value", "")
            facts[("form", "") if name == FORM_PROPERTY else ("property", name)] = value
    elif tag in ("spiffworkflow:preScript", "spiffworkflow:postScript"):
        facts[local(extension.tag), ""] = (extension.text or "").strip()
    elif tag == "spiffworkflow:serviceTaskOperator":
        _operator_facts(facts, extension)
    else:
        _add(facts, ("extension", tag), canonical(extension))


def _operator_facts(facts: Facts, operator: etree._Element) -> None:
    facts["operator", ""] = operator.get("id", "")
    for name, value in operator.attrib.items():
        if name != "id":
            facts["operator:" + qualified(name), ""] = value
    for parameter in operator.iter(f"{{{SPIFF_NS}}}parameter"):
        facts["parameter", parameter.get("id", "")] = parameter.get("value", "")
        facts["parameterType", parameter.get("id", "")] = parameter.get("type", "")


def _event_facts(facts: Facts, definition: etree._Element) -> None:
    kind = local(definition.tag).removesuffix("EventDefinition")
    _add(facts, ("event", ""), kind)
    if kind != "timer":
        _add(facts, ("other", qualified(definition.tag)), canonical(definition))
        return
    for child in definition:
        if local(child.tag) in _TIMER_KINDS:
            facts["timerKind", ""] = local(child.tag)
            facts["timer", ""] = (child.text or "").strip()


def _loop_facts(facts: Facts, loop: etree._Element) -> None:
    if local(loop.tag) == "standardLoopCharacteristics":
        facts["loop", ""] = "standard"
        _add(facts, ("other", qualified(loop.tag)), canonical(loop))
        return
    facts["loop", ""] = "sequential" if loop.get("isSequential") == "true" else "parallel"
    for child in loop:
        tag = local(child.tag)
        if tag in _LOOP_TEXTS:
            facts[_LOOP_TEXTS[tag], ""] = (child.text or "").strip()
        elif tag in ("inputDataItem", "outputDataItem"):
            facts[tag.replace("DataItem", "Item"), ""] = child.get("name") or child.get("id", "")
        elif tag:
            _add(facts, ("other", qualified(child.tag)), canonical(child))


def _add(facts: Facts, key: tuple[str, str], value: str) -> None:
    """One fact per key; a second element of the same kind joins the first."""
    facts[key] = f"{facts[key]}, {value}" if key in facts else value


def canonical(element: etree._Element) -> str:
    """An element as comparable text: attributes sorted, ids left out, whitespace collapsed."""
    attributes = " ".join(f'{qualified(k)}="{v}"' for k, v in sorted(element.attrib.items())
                          if k != "id")
    text = " ".join((element.text or "").split())
    inner = "".join(canonical(child) for child in element if isinstance(child.tag, str))
    head = " ".join(part for part in (qualified(element.tag), attributes) if part)
    return f"<{head}>{text}{inner}</{qualified(element.tag)}>"
