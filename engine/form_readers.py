"""Which elements of a diagram read a data field: conditions, scripts, timer values, task
properties, service parameters and multi-instance collections. The form editor asks before a
save removes or renames a field that one of them reads."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# Where diagram code lives, and what the owner calls it.
_CODE = {
    f"{{{BPMN}}}conditionExpression": "condition",
    f"{{{BPMN}}}script": "script",
    f"{{{SPIFF}}}preScript": "script before",
    f"{{{SPIFF}}}postScript": "script after",
    f"{{{BPMN}}}timeDate": "timer",
    f"{{{BPMN}}}timeDuration": "timer",
    f"{{{BPMN}}}timeCycle": "timer",
    f"{{{BPMN}}}completionCondition": "multi-instance",
    f"{{{BPMN}}}loopCardinality": "multi-instance",
}
_NAMED = {f"{{{BPMN}}}loopDataInputRef": "multi-instance"}
_EXPRESSION_PROPERTIES = {"assignee", "dueDate", "scopeField"}
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Reader:
    """Element ``element`` (named ``name``) reads ``field`` in its ``what``."""

    field: str
    element: str
    name: str
    what: str


def readers_of(xml: str, fields: set[str]) -> list[Reader]:
    """Every element of the diagram that reads one of ``fields``, in diagram order."""
    if not fields:
        return []
    try:
        root = etree.fromstring(xml.encode(), etree.XMLParser(resolve_entities=False,
                                                              no_network=True))
    except etree.XMLSyntaxError:
        return []
    found: list[Reader] = []
    for node, what, text, whole in _code_places(root):
        owner = _owner(node)
        if owner is None:
            continue
        names = {text.strip()} if whole else names_in(text)
        found += [Reader(field, owner.get("id", ""), owner.get("name") or owner.get("id", ""),
                         what) for field in sorted(fields & names)]
    return found


def _code_places(root: etree._Element) -> Iterator[tuple[etree._Element, str, str, bool]]:
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag in _CODE and node.text:
            yield node, _CODE[node.tag], node.text, False
        elif node.tag in _NAMED and node.text:
            yield node, _NAMED[node.tag], node.text, True
        elif node.tag == f"{{{SPIFF}}}property" and node.get("name") in _EXPRESSION_PROPERTIES:
            yield node, "property " + node.get("name", ""), node.get("value") or "", \
                node.get("name") == "scopeField"
        elif node.tag == f"{{{SPIFF}}}parameter":
            yield node, "service parameter", node.get("value") or "", False


def names_in(code: str) -> set[str]:
    """The names a piece of diagram code reads; every word when it is not Python (yet)."""
    for mode in ("eval", "exec"):
        try:
            tree = ast.parse(code.strip(), mode=mode)
        except SyntaxError:
            continue
        nodes = list(ast.walk(tree))
        # A name, or a key in quotes: data["toelichting"], uitslag.get("besluit").
        keys = {n.value for n in nodes if isinstance(n, ast.Constant)
                and isinstance(n.value, str) and _WORD.fullmatch(n.value)}
        return {n.id for n in nodes if isinstance(n, ast.Name)} | keys
    return set(_WORD.findall(code))


def _owner(node: etree._Element) -> etree._Element | None:
    """The flow element (task, flow, event) a piece of code belongs to."""
    for ancestor in (node, *node.iterancestors()):
        if ancestor.get("id") and ancestor.tag.startswith(f"{{{BPMN}}}") and \
                not ancestor.tag.endswith(("Expression", "EventDefinition",
                                           "LoopCharacteristics", "extensionElements")):
            return ancestor
    return None
