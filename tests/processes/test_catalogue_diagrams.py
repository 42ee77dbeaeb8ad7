"""Every diagram of the catalogue, as process owners and participants meet it: drawn for the
editor (bpmn-js, Camunda Modeler), lanes that are roles, Dutch instructions and a form on every
user task, a default flow on every choice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from workflows.catalogue import ROLES

from ..conftest import BPMN

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI",
      "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
FLOW_NODES = ("startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent",
              "boundaryEvent", "userTask", "manualTask", "scriptTask", "serviceTask",
              "businessRuleTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
              "eventBasedGateway", "subProcess", "callActivity")
DIAGRAMS = sorted(BPMN.glob("*.bpmn"))


def _elements(root: etree._Element, *tags: str) -> list[etree._Element]:
    return [e for tag in tags for e in root.iterfind(f".//bpmn:{tag}", NS)]


def _bounds(shape: etree._Element) -> tuple[float, float, float, float]:
    b = shape.find("dc:Bounds", NS)
    x, y, w, h = (float(b.get(k)) for k in ("x", "y", "width", "height"))
    return x, y, w, h


def test_the_catalogue_holds_the_six_governance_processes() -> None:
    assert {p.stem for p in DIAGRAMS} >= {"budget_cycle", "case_reflection", "member_admission",
                                          "meeting", "decision", "portfolio_appointment"}


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_element_is_drawn_and_every_node_sits_in_its_lane(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    shapes = {s.get("bpmnElement"): _bounds(s) for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    drawn = _elements(root, *FLOW_NODES, "lane", "participant")
    assert [e.get("id") for e in drawn if e.get("id") not in shapes] == []
    edges = {e.get("bpmnElement"): [(float(p.get("x")), float(p.get("y")))
                                    for p in e.iterfind("di:waypoint", NS)]
             for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    for flow in _elements(root, "sequenceFlow"):
        points = edges.get(flow.get("id"), [])
        assert len(points) >= 2, flow.get("id")
        ends = ((points[0], flow.get("sourceRef")), (points[-1], flow.get("targetRef")))
        for (x, y), end in ends:
            bx, by, bw, bh = shapes[end]
            assert bx - 1 <= x <= bx + bw + 1 and by - 1 <= y <= by + bh + 1, flow.get("id")
    for lane in _elements(root, "lane"):
        _lx, ly, _lw, lh = shapes[lane.get("id")]
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            _x, y, _w, h = shapes[ref.text]
            assert ly <= y and y + h <= ly + lh, f"{ref.text} lies outside {lane.get('name')}"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_user_task_has_a_role_lane_dutch_instructions_and_a_form(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    roles = {role.name for role in ROLES}
    assert {lane.get("name") for lane in _elements(root, "lane")} <= roles
    for task in _elements(root, "userTask"):
        assert (task.findtext("bpmn:documentation", namespaces=NS) or "").strip(), task.get("id")
        form_name = task.find(".//spiff:property[@name='formJsonSchemaFilename']", NS).get("value")
        form = json.loads((BPMN / "forms" / form_name).read_text())
        assert form["title"] and form.get("required"), form_name
        assert all(field.get("title") for field in form["properties"].values()), form_name


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.name)
def test_every_choice_has_a_default_flow(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    for gateway in _elements(root, "exclusiveGateway"):
        if len(gateway.findall("bpmn:outgoing", NS)) > 1:
            assert gateway.get("default"), gateway.get("id")
