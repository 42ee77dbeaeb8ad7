"""SpiffWorkflow, customised in one place: the parser, the serializer and the script engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers import EventDefinitionConverter
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .sandbox import script_engine
from .timer_events import (
    CALENDAR_TIMERS,
    PlainStartEventDefinition,
    TimerStartEventDefinition,
)

# The format of the state we save around SpiffWorkflow's own JSON; bump it with a migration.
STATE_FORMAT = 1

_CONFIG = {
    **SPIFF_CONFIG,
    **dict.fromkeys(CALENDAR_TIMERS.values(), TimerConditionalEventDefinitionConverter),
    TimerStartEventDefinition: TimerConditionalEventDefinitionConverter,
    PlainStartEventDefinition: EventDefinitionConverter,
}
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))

_helpers: dict[str, Callable[..., Any]] = {}
_engine: PythonScriptEngine = script_engine()


def register_script_helpers(helpers: Mapping[str, Callable[..., Any]]) -> None:
    """Offer functions to diagram scripts and service tasks (``workflows/`` registers its own)."""
    global _engine
    _helpers.update(helpers)
    _engine = script_engine(_helpers)


def current_script_engine() -> PythonScriptEngine:
    return _engine


def new_parser() -> SpiffBpmnParser:
    """A parser that reads SpiffArena's extensions and validates against the BPMN schema."""
    return SpiffBpmnParser(validator=VALIDATOR)


def new_workflow(spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=_engine)


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def load_workflow(state: str) -> BpmnWorkflow:
    workflow = SERIALIZER.deserialize_json(state)
    workflow.script_engine = _engine
    return workflow
