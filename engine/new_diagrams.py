"""The diagram a new process starts from: a blank one with one lane, or a copy of another
process under a new key."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from lxml import etree

from .errors import InvalidInput

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
MAX_KEY = 200
# A process key is the BPMN process id: an XML NCName, kept to ASCII so URLs stay plain.
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")

_BLANK = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" \
xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:di="http://www.omg.org/spec/DD/20100524/DI" \
xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" \
id="Definitions_{key}" targetNamespace="http://govflow.example/bpmn">
  <bpmn:collaboration id="Collaboration_{key}">
    <bpmn:participant id="Participant_{key}" name={name} processRef="{key}" />
  </bpmn:collaboration>
  <bpmn:process id="{key}" name={name} isExecutable="true">
    <bpmn:laneSet id="LaneSet_{key}">
      <bpmn:lane id="Lane_1">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="Gestart">
      <bpmn:outgoing>flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="end" name="Afgerond">
      <bpmn:incoming>flow_1</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_1" sourceRef="start" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{key}">
    <bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="Collaboration_{key}">
      <bpmndi:BPMNShape id="Participant_{key}_di" bpmnElement="Participant_{key}" \
isHorizontal="true">
        <dc:Bounds x="120" y="80" width="600" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_1_di" bpmnElement="Lane_1" isHorizontal="true">
        <dc:Bounds x="150" y="80" width="570" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="212" y="162" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="592" y="162" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_1_di" bpmnElement="flow_1">
        <di:waypoint x="248" y="180" />
        <di:waypoint x="592" y="180" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise InvalidInput("give the process a key", {"key": "required"})
    if len(key) > MAX_KEY or not _KEY.match(key):
        raise InvalidInput(f"the key {key!r} is not a valid id: start with a letter or _, then "
                           f"letters, digits, _, - or . (at most {MAX_KEY})", {"key": "invalid"})
    return key


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("give the process a name", {"name": "required"})
    if len(name) > 300:
        raise InvalidInput("a process name has at most 300 characters", {"name": "too long"})
    return name


def blank_diagram(key: str, name: str) -> str:
    """One pool with one lane (its role still to choose), a start and an end event."""
    return _BLANK.format(key=key, name=quoteattr(name))


def copied_diagram(xml: str, old_key: str, key: str, name: str) -> str:
    """Another process's diagram as process ``key``: the process, its pool and its diagram
    plane renamed; everything else as it was."""
    root = etree.fromstring(xml.encode(), etree.XMLParser(resolve_entities=False,
                                                          no_network=True))
    ns = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS}
    for process in root.xpath("bpmn:process[@id=$old]", namespaces=ns, old=old_key):
        process.set("id", key)
        process.set("name", name)
    for participant in root.xpath("//bpmn:participant[@processRef=$old]", namespaces=ns,
                                  old=old_key):
        participant.set("processRef", key)
        participant.set("name", name)
    for plane in root.xpath("//bpmndi:BPMNPlane[@bpmnElement=$old]", namespaces=ns,
                            old=old_key):
        plane.set("bpmnElement", key)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()
