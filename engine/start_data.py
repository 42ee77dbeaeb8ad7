"""What a start needs: the start form of each start event, and what the engine supplies.

A process declares its start data SpiffArena's way, as a form (``formJsonSchemaFilename``) on
its start event. A start by hand is checked against the form of the start event it takes and
refused, naming each field, before anything is stored. A timer start event asks nothing of a
person: the scheduler supplies ``occurrence`` (a start by hand at it gets the same), and its
post-script derives the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .clock import now
from .db import Database
from .deploy import require_latest_definition, specs_for
from .errors import InvalidInput
from .forms import FormRejected, definition_form_validator, validate_submission
from .models import ProcessDefinition
from .runtime import FORM_PROPERTY, properties_of
from .schedules import SCOPE_PROPERTY, occurrence_value
from .timer_events import default_start, is_timer_start, start_events, start_script, timer_kind

# A plain start event's property: the field of the start data that names the instance's scope.
SCOPE_FIELD_PROPERTY = "scopeField"


def supply_timer_start(start_spec: Any, data: dict[str, Any], scope: str | None) -> str | None:
    """A start at a timer start event gets what the scheduler gives: ``occurrence`` (now, when
    started by hand) and the event's scope, unless the caller gave them. A start event with
    ``scopeField`` is about the body its start data names there. Returns the scope."""
    if not is_timer_start(start_spec):
        return _scope_of_data(start_spec, data, scope)
    data.setdefault("occurrence", occurrence_value(now()))
    return scope or properties_of(start_spec).get(SCOPE_PROPERTY)


def _scope_of_data(start_spec: Any, data: dict[str, Any], scope: str | None) -> str | None:
    field = properties_of(start_spec).get(SCOPE_FIELD_PROPERTY) if start_spec else None
    named = data.get(field) if field else None
    if not isinstance(named, str):
        return scope
    if scope is not None and scope != named:
        raise InvalidInput(f"the scope {scope!r} and the start data's {field} {named!r} differ: "
                           "the instance is about one body", {"scope": "differs"})
    return named


def start_form(start_spec: Any) -> str | None:
    """The form a start event declares for its start data (None: it asks nothing)."""
    return properties_of(start_spec).get(FORM_PROPERTY) if start_spec is not None else None


def check_start_data(definition: ProcessDefinition, start_spec: Any,
                     data: dict[str, Any]) -> None:
    """Refuse start data that does not fit the start event's form, naming each field."""
    form = start_form(start_spec)
    # None also for a version deployed before start forms were checked: it keeps its old way.
    validator = definition_form_validator(definition, form) if form else None
    if validator is None:
        return
    try:
        validate_submission(validator, data)
    except FormRejected as err:
        listed = "; ".join(f"{field}: {reason}" for field, reason in err.problems.items())
        raise FormRejected(f"{definition.key} cannot start with this data: {listed}",
                           err.problems, err.rules) from None


@dataclass(frozen=True)
class StartEventInfo:
    """What a start at one start event takes (``govflow start KEY --help-data``)."""

    element: str
    name: str
    default: bool  # the one a start without ``start_event`` takes
    timer: str | None  # timeDate, timeDuration or timeCycle; None: not a timer start event
    timer_value: str | None
    form: str | None
    schema: dict[str, Any] | None  # None: no form, any JSON object is taken
    supplied: tuple[str, ...]  # data the engine gives itself (a timer start's occurrence)
    scope: str | None
    script: str | None  # the post-script that derives more data from the start data


@dataclass(frozen=True)
class StartInfo:
    key: str
    version: int
    name: str
    events: list[StartEventInfo]


def start_info(db: Database, key: str) -> StartInfo:
    """What each start event of the latest version of ``key`` needs to start an instance."""
    with db.reading() as session:
        definition = require_latest_definition(session, key)
        spec, _subprocesses = specs_for(session, definition)
        starts = start_events(spec)
        default = default_start(starts)
        events = [_start_event_info(definition, s, s is default) for s in starts]
        return StartInfo(definition.key, definition.version, definition.name, events)


def _start_event_info(definition: ProcessDefinition, spec: Any,
                      default: bool) -> StartEventInfo:
    form = start_form(spec)
    validator = definition_form_validator(definition, form) if form else None
    timed = is_timer_start(spec)
    return StartEventInfo(
        element=spec.bpmn_id, name=spec.bpmn_name or spec.bpmn_id, default=default,
        timer=timer_kind(spec.event_definition) if timed else None,
        timer_value=spec.event_definition.expression if timed else None,
        form=form, schema=validator.schema if validator is not None else None,
        supplied=("occurrence",) if timed else (),
        scope=properties_of(spec).get(SCOPE_PROPERTY), script=start_script(spec))
