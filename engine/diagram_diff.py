"""The difference between two versions of a process: their diagrams element by element (by
id), their forms field by field, and apart from that what only moved on the drawing.

Written on lxml rather than bpmn-js-differ, which misses timer values and default flows and
reports old and new values the wrong way round (see /work/shared/frontend.md).
"""

from __future__ import annotations

from functools import cached_property

from lxml import etree

from .changes import ADDED, MOVED, REMOVED, Change, Diff, Subject, compare_facts
from .diagram_facts import BPMN_NS, Facts, canonical, element_facts, is_subject, local
from .form_diff import resource_changes

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                          remove_pis=True)
_FLOWS = ("sequenceFlow", "messageFlow", "association")


def diff_versions(old_xml: str, old_resources: dict[str, str], new_xml: str,
                  new_resources: dict[str, str]) -> Diff:
    """What changed from one version (diagram and resources) to another."""
    old, new = Diagram(old_xml), Diagram(new_xml)
    changes = diagram_changes(old, new)
    changes += resource_changes(old_resources, new_resources, old.form_users, new.form_users)
    return Diff(tuple(changes), tuple(layout_changes(old, new)))


def diagram_changes(old: Diagram, new: Diagram) -> list[Change]:
    """Added and changed elements in the newer diagram's order, then the removed ones."""
    changes: list[Change] = []
    for element in new.elements:
        if element not in old.elements:
            changes.append(Change(ADDED, new.subject(element)))
        else:
            changes += _element_changes(old, new, element)
    changes += [Change(REMOVED, old.subject(element))
                for element in old.elements if element not in new.elements]
    return changes


def layout_changes(old: Diagram, new: Diagram) -> list[Change]:
    """Elements in both versions whose shape or path on the drawing differs."""
    return [Change(MOVED, new.subject(element)) for element in new.elements
            if element in old.elements and old.layout.get(element) != new.layout.get(element)]


def _element_changes(old: Diagram, new: Diagram, element: str) -> list[Change]:
    before, after = old.facts(element), new.facts(element)
    # A timer's kind without its value (an event that is no timer any more) says nothing more.
    if ("timer", "") not in before or ("timer", "") not in after:
        before.pop(("timerKind", ""), None)
        after.pop(("timerKind", ""), None)
    return compare_facts(new.subject(element), before, after, old.shown, new.shown)


class Diagram:
    """One version's BPMN, read for comparison: its elements by id, the lane of each flow
    node, and the drawing (BPMN DI) of each element."""

    def __init__(self, xml: str) -> None:
        root = etree.fromstring(xml.encode(), _PARSER)
        self.elements = {e.get("id", ""): e for e in root.iter() if is_subject(e)}
        self.lanes: dict[str, str] = {}  # flow node id -> lane id; the innermost lane wins
        for lane in root.iter(f"{{{BPMN_NS}}}lane"):
            for ref in lane.iterchildren(f"{{{BPMN_NS}}}flowNodeRef"):
                self.lanes[(ref.text or "").strip()] = lane.get("id", "")
        self.layout: dict[str, str] = {}
        for drawing in root.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge"):
            element = drawing.get("bpmnElement", "")
            self.layout[element] = self.layout.get(element, "") + canonical(drawing)

    def facts(self, element: str) -> Facts:
        return element_facts(self.elements[element], self.lanes.get(element))

    def name(self, element: str) -> str:
        """An element's name on one line, or its id when it has none."""
        found = self.elements.get(element)
        name = " ".join((found.get("name") or "").split()) if found is not None else ""
        return name or element

    def subject(self, element: str) -> Subject:
        found = self.elements[element]
        tag = local(found.tag)
        events = [local(child.tag).removesuffix("EventDefinition") for child in found
                  if local(child.tag).endswith("EventDefinition")]
        ends = ((self.name(found.get("sourceRef", "")), self.name(found.get("targetRef", "")))
                if tag in _FLOWS else ("", ""))
        host = found.get("attachedToRef")
        return Subject(element, tag, " ".join((found.get("name") or "").split()),
                       event=", ".join(events), host=self.name(host) if host else "",
                       source=ends[0], target=ends[1])

    def shown(self, aspect: str, value: str | None) -> str | None:
        """What a reader sees of a fact: names for the ids that lanes and flows refer to; a
        default flow by where it leads."""
        if value is None:
            return None
        if aspect in ("lane", "host", "source", "target"):
            return self.name(value)
        if aspect == "default":
            flow = self.elements.get(value)
            return self.name(flow.get("targetRef", "")) if flow is not None else value
        return value

    @cached_property
    def form_users(self) -> dict[str, tuple[str, ...]]:
        """Form file -> the elements that show it."""
        users: dict[str, list[str]] = {}
        for element in self.elements:
            form = self.facts(element).get(("form", ""))
            if form:
                users.setdefault(form, []).append(element)
        return {form: tuple(elements) for form, elements in users.items()}
