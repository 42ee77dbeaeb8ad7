"""BPMN timer events on the calendar, in place of SpiffWorkflow 3.2's own timer definitions.

After a diagram is parsed, ``use_calendar_timers`` swaps each timer definition for the
subclass below that computes its due time with ``timer_expressions``. The start events of a
process are swapped too: a timer start event never fires inside an instance (the schedule in
``schedules.py`` starts one instance per occurrence), and a plain start event can be held
back, so that an instance started for one timer start event takes only that path.

Every timer that fires during a step is written to the step's firing log, from which the
scheduler writes its audit events (with the occurrences a cycle missed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.control import StartEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.base import EventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util import PendingBpmnEvent
from SpiffWorkflow.util.task import TaskState

from .clock import now
from .timer_expressions import (
    Cycle,
    TimerValueError,
    is_literal,
    parse_cycle,
    parse_instant,
    parse_period,
    unwrap,
)

_firings: ContextVar[list[dict[str, Any]] | None] = ContextVar("govflow_firings", default=None)


@contextmanager
def firing_log() -> Iterator[list[dict[str, Any]]]:
    """Collect the timers that fire while the block runs."""
    log: list[dict[str, Any]] = []
    token = _firings.set(log)
    try:
        yield log
    finally:
        _firings.reset(token)


def _note_fired(my_task: Any, due: datetime, skipped: list[datetime] | None = None) -> None:
    log = _firings.get()
    if log is not None:
        spec = my_task.task_spec
        entry: dict[str, Any] = {"element": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id,
                                 "due": due.isoformat(), "occurrences": 1 + len(skipped or [])}
        if skipped:
            entry["skipped"] = [moment.isoformat() for moment in skipped]
        log.append(entry)


def timer_value(my_task: Any, expression: str) -> Any:
    """A literal as Camunda Modeler users write it (``P14D``), or an expression's value."""
    text = unwrap(expression or "")
    if is_literal(text):
        return text
    return my_task.workflow.script_engine.evaluate(my_task, text)


def _fail(my_task: Any, err: Exception) -> WorkflowTaskException:
    return WorkflowTaskException(f"timer: {err}", task=my_task, exception=err)


class _OnceTimer:
    """A timer that fires once, at a due time computed when the event is reached."""

    def due_from(self, my_task: Any, value: Any) -> datetime:
        raise NotImplementedError

    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_fired", False):
            return True
        due_text = my_task._get_internal_data("event_value")
        if due_text is None:
            try:
                due_text = self.due_from(my_task, timer_value(my_task, self.expression)).isoformat()
            except TimerValueError as err:
                raise _fail(my_task, err) from err
            my_task._set_internal_data(event_value=due_text)
        due = datetime.fromisoformat(due_text)
        if due <= now():
            my_task._set_internal_data(event_fired=True)
            _note_fired(my_task, due)
            return True
        return False

    def details(self, my_task: Any) -> PendingBpmnEvent:
        value = my_task._get_internal_data("event_value")
        return PendingBpmnEvent(self.name, self.__class__.__name__, value)


class CalendarDateTimerEventDefinition(_OnceTimer, TimeDateEventDefinition):
    def due_from(self, my_task: Any, value: Any) -> datetime:
        return parse_instant(value)


class CalendarDurationTimerEventDefinition(_OnceTimer, DurationTimerEventDefinition):
    def due_from(self, my_task: Any, value: Any) -> datetime:
        return parse_period(value).after(now())


class CalendarCycleTimerEventDefinition(CycleTimerEventDefinition):
    """Occurrences on the calendar; missed ones fire once, with their number logged."""

    def _cycle(self, my_task: Any) -> tuple[Cycle, dict[str, Any]]:
        state = my_task._get_internal_data("event_value")
        if state is None:
            try:
                cycle = parse_cycle(timer_value(my_task, self.expression), now())
            except TimerValueError as err:
                raise _fail(my_task, err) from err
            # Occurrences before the event was reached are not missed: they were never due.
            first = cycle.first_index_after(now() - timedelta(microseconds=1))
            state = {"start": cycle.start.isoformat(), "period": str(cycle.period),
                     "repetitions": cycle.repetitions, "index": first}
        cycle = Cycle(datetime.fromisoformat(state["start"]), parse_period(state["period"]),
                      state["repetitions"])
        return cycle, state

    def cycle_complete(self, my_task: Any) -> bool:
        cycle, state = self._cycle(my_task)
        due = cycle.occurrence(state["index"])
        if due is None:  # every occurrence has fired: the event itself completes
            my_task.internal_data.pop("event_value", None)
            my_task._set_internal_data(event_fired=True)
            return False
        ready = due <= now()
        if ready:  # missed occurrences fire once, for the latest of them
            following = cycle.first_index_after(now(), state["index"])
            occurrences = [cycle.occurrence(i) for i in range(state["index"], following)]
            _note_fired(my_task, occurrences[-1], skipped=occurrences[:-1])
            state = {**state, "index": following}
        my_task._set_internal_data(event_value=state)
        return ready

    def details(self, my_task: Any) -> PendingBpmnEvent:
        value = None
        state = my_task._get_internal_data("event_value")
        if state is not None:
            cycle = Cycle(datetime.fromisoformat(state["start"]),
                          parse_period(state["period"]), state["repetitions"])
            due = cycle.occurrence(state["index"])
            value = due.isoformat() if due is not None else None
        return PendingBpmnEvent(self.name, self.__class__.__name__, value)


class TimerStartEventDefinition(TimerEventDefinition):
    """A timer start event inside an instance: it fires only when the engine says so.

    The schedule (``schedules.py``) owns its timing; ``kind`` is the timer kind as drawn
    (timeDate, timeDuration or timeCycle) and is only known on a freshly parsed spec.
    """

    def __init__(self, name: str, expression: str, kind: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name, expression, **kwargs)
        self.kind = kind

    def has_fired(self, my_task: Any) -> bool:
        return my_task._get_internal_data("event_fired", False)

    def details(self, my_task: Any) -> PendingBpmnEvent:
        return PendingBpmnEvent(self.name, self.__class__.__name__, None)


class PlainStartEventDefinition(EventDefinition):
    """A start event without a trigger that the engine can hold back.

    SpiffWorkflow fires every plain start event at once; an instance started for one timer
    start event must not also take the plain start path.
    """

    def has_fired(self, my_task: Any) -> bool:
        return not my_task._get_internal_data("held_back", False)


CALENDAR_TIMERS: dict[type, type] = {
    TimeDateEventDefinition: CalendarDateTimerEventDefinition,
    DurationTimerEventDefinition: CalendarDurationTimerEventDefinition,
    CycleTimerEventDefinition: CalendarCycleTimerEventDefinition,
}


def _replacement(definition: Any, spec: Any, root: bool) -> Any:
    # Only the start events of the process itself begin instances; those of an event
    # sub-process are timers inside the instance like any other.
    process_start = root and isinstance(spec, StartEvent)
    if type(definition) in CALENDAR_TIMERS and process_start:
        return TimerStartEventDefinition(definition.name, definition.expression,
                                         kind=timer_kind(definition),
                                         description=definition.description)
    if type(definition) in CALENDAR_TIMERS:
        return CALENDAR_TIMERS[type(definition)](
            definition.name, definition.expression, description=definition.description)
    if type(definition) is NoneEventDefinition and process_start:
        return PlainStartEventDefinition(definition.name, description=definition.description)
    if isinstance(definition, MultipleEventDefinition):
        definition.event_definitions = [_replacement(d, spec, root)
                                        for d in definition.event_definitions]
    return definition


def use_calendar_timers(root_spec: Any, *subprocess_specs: Any) -> None:
    """Swap the timer and start-event definitions of freshly parsed specs (see module doc)."""
    for process_spec in (root_spec, *subprocess_specs):
        for task_spec in process_spec.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if definition is not None:
                task_spec.event_definition = _replacement(definition, task_spec,
                                                          process_spec is root_spec)


def timer_kind(definition: Any) -> str:
    """timeDate, timeDuration or timeCycle, as the diagram draws it."""
    if isinstance(definition, TimerStartEventDefinition) and definition.kind:
        return definition.kind
    if isinstance(definition, CycleTimerEventDefinition):
        return "timeCycle"
    if isinstance(definition, DurationTimerEventDefinition):
        return "timeDuration"
    return "timeDate"


def start_events(process_spec: Any) -> list[Any]:
    """The start event specs of a process itself (not of its sub-processes), in document order."""
    return [spec for spec in process_spec.task_specs.values() if isinstance(spec, StartEvent)]


def is_timer_start(start_spec: Any) -> bool:
    return isinstance(getattr(start_spec, "event_definition", None), TimerEventDefinition)


def timer_start_events(process_spec: Any) -> list[Any]:
    """The start event specs of a process that carry a timer, in document order."""
    return [spec for spec in start_events(process_spec) if is_timer_start(spec)]


def default_start(start_specs: list[Any]) -> Any:
    """The start event of a start by hand: the plain one, else the first timer start event."""
    plain = [s for s in start_specs if isinstance(s.event_definition, PlainStartEventDefinition)]
    timed = [s for s in start_specs if is_timer_start(s)]
    return next(iter(plain or timed or start_specs), None)


def begin_at(workflow: Any, element_id: str | None) -> Any:
    """Make a new instance start at one start event; returns that start event's spec.

    ``element_id`` names a timer start event (the instance is that occurrence); None means a
    start by hand: the plain start event, or the first timer start event when there is none.
    """
    starts = [t for t in workflow.get_tasks() if isinstance(t.task_spec, StartEvent)]
    if element_id is None:
        default = default_start([t.task_spec for t in starts])
        if not is_timer_start(default):
            return default
        element_id = default.bpmn_id
    chosen = [t for t in starts if t.task_spec.bpmn_id == element_id]
    if not chosen:
        names = ", ".join(sorted(t.task_spec.bpmn_id for t in starts)) or "none"
        raise ValueError(f'the process has no start event "{element_id}" (it has: {names})')
    for task in starts:
        if task is chosen[0]:
            task._set_internal_data(event_fired=True)
        elif isinstance(task.task_spec.event_definition, PlainStartEventDefinition):
            task._set_internal_data(held_back=True)
    return chosen[0].task_spec


def settle_start(workflow: Any) -> None:
    """Predict the chosen path again once one start event of several has fired.

    With several start events SpiffWorkflow predicts everything below them as "maybe"; a
    multi-instance task after a parallel gateway on that path then refuses to create its
    instances ("non-predicted child"). Predicting again from the tasks reached makes the
    path definite.
    """
    if len(workflow.spec.start.outputs) == 1 and not isinstance(
            workflow.spec.start.outputs[0], StartEventSplit):
        return
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING):
        task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)


def start_script(start_spec: Any) -> str | None:
    """A start event's ``spiffworkflow:postScript``: SpiffWorkflow 3.2 keeps it but never runs
    it (its start events have no scripts), so the engine runs it on the start data."""
    if not isinstance(start_spec, StartEvent):
        return None
    return getattr(start_spec, "extensions", {}).get("postScript") or None
