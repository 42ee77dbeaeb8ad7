"""SpiffWorkflow, customised in one place: the parser, the serializer and the script engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.helpers import EventDefinitionConverter
from SpiffWorkflow.spiff.parser import VALIDATOR
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .bounds import MULTI_INSTANCE_CLASSES, BoundedParser
from .sandbox import Operator, SandboxScriptEngine, script_engine
from .timer_events import (
    CALENDAR_TIMERS,
    PlainStartEventDefinition,
    TimerStartEventDefinition,
)

# The format of the state we save around SpiffWorkflow's own JSON; bump it with a migration.
STATE_FORMAT = 1

_CONFIG = {
    **{spec: converter for spec, converter in SPIFF_CONFIG.items()
       if spec not in MULTI_INSTANCE_CLASSES},
    **{ours: SPIFF_CONFIG[theirs] for theirs, ours in MULTI_INSTANCE_CLASSES.items()},
    **dict.fromkeys(CALENDAR_TIMERS.values(), TimerConditionalEventDefinitionConverter),
    TimerStartEventDefinition: TimerConditionalEventDefinitionConverter,
    PlainStartEventDefinition: EventDefinitionConverter,
}
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))

_helpers: dict[str, Callable[..., Any]] = {}
_operators: dict[str, Operator] = {}
_engine: SandboxScriptEngine = script_engine()


def register_script_helpers(helpers: Mapping[str, Callable[..., Any]],
                            operators: Mapping[str, Operator] | None = None) -> None:
    """Offer pure functions to diagram code, and operators to service tasks
    (``workflows/`` registers its own). Helpers must be importable by name: they run in the
    sandbox process."""
    global _engine
    _helpers.update(helpers)
    _operators.update(operators or {})
    _engine = script_engine(_helpers, _operators)


def current_script_engine() -> SandboxScriptEngine:
    return _engine


def new_parser() -> BoundedParser:
    """A parser that reads SpiffArena's extensions and validates against the BPMN schema."""
    return BoundedParser(validator=VALIDATOR)


def new_workflow(spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    return BpmnWorkflow(spec, subprocess_specs, script_engine=_engine)


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return SERIALIZER.serialize_json(workflow)


def load_workflow(state: str) -> BpmnWorkflow:
    workflow = SERIALIZER.deserialize_json(state)
    workflow.script_engine = _engine
    return workflow


def properties_of(task_spec: Any) -> dict[str, str]:
    """The SpiffArena properties of an element (``spiffworkflow:property``)."""
    return getattr(task_spec, "extensions", {}).get("properties", {})


def has_event_subprocess(spec: Any) -> bool:
    """Whether the process has an event sub-process: SpiffWorkflow wires one into the spec
    (``BpmnStartTask.trigger_wf``) and below the tree's root when it first starts."""
    return bool(getattr(spec.start, "trigger_specs", None))
