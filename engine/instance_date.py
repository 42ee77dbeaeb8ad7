"""The day an instance is about (a meeting's date), projected to ``process_instances.dated_on``
at every step, so that what counts instances per day or year reads an indexed column, never
a serialized workflow.

A start event names the data fields that hold it with the property ``instanceDate``: field
names separated by commas, the first that holds an ISO date or moment wins. The meeting says
"vergaderdatum, occurrence": the meeting's date once it is planned (or moved), before that the
moment its preparation started. A moment counts on its Dutch calendar day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from .clock import LOCAL_ZONE
from .spiff import properties_of
from .workflow_data import current_data

DATE_PROPERTY = "instanceDate"


def date_fields(spec: Any) -> list[str]:
    """The fields the process's start events name, in order, without repeats."""
    fields: list[str] = []
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, StartEvent):
            for name in (properties_of(task_spec).get(DATE_PROPERTY) or "").split(","):
                if name.strip() and name.strip() not in fields:
                    fields.append(name.strip())
    return fields


def dated_on(workflow: BpmnWorkflow) -> date | None:
    fields = date_fields(workflow.spec)
    if not fields:
        return None
    data = current_data(workflow)
    for name in fields:
        day = local_day(data.get(name))
        if day is not None:
            return day
    return None


def local_day(value: object) -> date | None:
    """The Dutch calendar day of an ISO date or moment; None for anything else."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(LOCAL_ZONE).date() if moment.tzinfo is not None else moment.date()
