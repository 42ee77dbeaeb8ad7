"""Diagrams with one element under test between the start and a waiting user task.

A hostile process owner writes such code in the browser; the tests deploy it as a source.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from engine.diagrams import Source

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def diagram(key: str, element: str, *, name: str = "Proces", first: str = "x",
            last: str = "x", role: str = "Manager ZVH", in_lane: tuple[str, ...] = ()) -> Source:
    """``element`` is the XML of the flow nodes under test: flow ``f1`` leads from the start
    to ``first``, flow ``f2`` from ``last`` to the user task ``wait``."""
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in in_lane)
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="{SPIFF}" id="d_{key}" targetNamespace="http://govflow.example/test">
  <bpmn:process id="{key}" name="{escape(name)}" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="{escape(role)}">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef>{refs}
      <bpmn:flowNodeRef>wait</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    {element}
    <bpmn:userTask id="wait" name="Wachten">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{first}" />
    <bpmn:sequenceFlow id="f2" sourceRef="{last}" targetRef="wait" />
    <bpmn:sequenceFlow id="f3" sourceRef="wait" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
"""
    return Source(f"{key}.bpmn", text)


def script_task(script: str, name: str = "Rekenen", *, id: str = "x", incoming: str = "f1",
                outgoing: str = "f2") -> str:
    return (f'<bpmn:scriptTask id="{id}" name="{escape(name)}">'
            f"<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>"
            f"<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>")


def flow(id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}" />'
    return (f'<bpmn:sequenceFlow id="{id}" sourceRef="{source}" targetRef="{target}">'
            f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>"
            "</bpmn:sequenceFlow>")


def timer(expression: str, *, outgoing: str = "f2") -> str:
    return ('<bpmn:intermediateCatchEvent id="x" name="Wachten op datum">'
            f"<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>"
            f"<bpmn:timerEventDefinition><bpmn:timeDate>{escape(expression)}</bpmn:timeDate>"
            "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")


def multi_instance(cardinality: str | None = None, collection: str | None = None,
                   script: str = "y = 1", incoming: str = "f1") -> str:
    if cardinality is not None:
        loop = f"<bpmn:loopCardinality>{escape(cardinality)}</bpmn:loopCardinality>"
    else:
        loop = (f"<bpmn:loopDataInputRef>{collection}</bpmn:loopDataInputRef>"
                '<bpmn:inputDataItem id="item" name="item" />')
    return ('<bpmn:scriptTask id="x" name="Per lid">'
            f"<bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
            f'<bpmn:multiInstanceLoopCharacteristics isSequential="false">{loop}'
            f"</bpmn:multiInstanceLoopCharacteristics><bpmn:script>{escape(script)}</bpmn:script>"
            "</bpmn:scriptTask>")


def service_task(operator: str, **params: str) -> str:
    parameters = "".join(
        f'<spiffworkflow:parameter id="{k}" type="str" value="{escape(v, {chr(34): "&quot;"})}"/>'
        for k, v in params.items())
    return ('<bpmn:serviceTask id="x" name="Dienst"><bpmn:extensionElements>'
            f'<spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="uitkomst">'
            f"<spiffworkflow:parameters>{parameters}</spiffworkflow:parameters>"
            "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
            "<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
            "</bpmn:serviceTask>")


def user_task(name: str, *, id: str = "x", outgoing: str = "f2") -> str:
    return (f'<bpmn:userTask id="{id}" name="{escape(name)}"><bpmn:incoming>f1</bpmn:incoming>'
            f"<bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>")
