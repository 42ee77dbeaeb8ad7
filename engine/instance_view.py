"""What a manager's page of one instance shows: the path it took on its diagram (how often each
element ran, in which state each stands), its audit trail, its open tasks with who could take
each over, its data and the version it runs on. Queries only.

This page opens the serialized workflow of the one instance it shows (the path and the data
are in there); no list does. The content of a vote stays private, as on the task pages: of a
task the process meant for one person (a member's ballot, an absent member's written input)
the timeline says who completed it and when, never what they answered, and the data leaves out
what such tasks wrote (their fields and the collections that gather them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from sqlalchemy import select
from sqlalchemy.orm import Session

from .audit import events_of_instance
from .clock import now
from .errors import NotAllowed, NotFound
from .forms import definition_form_validator
from .holders import Person, role_holders
from .late_work import days_late
from .models import (
    AuditEvent,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from .oversight import Oversight, may_manage_instance, may_see_instance
from .runtime import ASSIGNEE_PROPERTY, FORM_PROPERTY, properties_of
from .workflow_data import current_data
from .workflow_path import ElementRun, path_of
from .workflow_store import read_workflow
from .worklist import display_names, labelled

FAILED = "failed"
# Instance ids are 32-bit integers in every database: a larger one is no instance.
MAX_INSTANCE_ID = 2**31 - 1


@dataclass(frozen=True)
class OpenTask:
    task: HumanTask
    assignee_name: str | None
    days_late: int | None  # None: not late
    # Who else holds its role for the instance's body today (a personal task: nobody).
    others: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class Event:
    """One line of the timeline; ``fields`` are the data entered, labelled by the form."""

    at: datetime
    kind: str
    actor: str | None  # a display name
    task: str | None
    details: dict[str, Any]
    fields: list[tuple[str, Any]]
    private: bool  # a personal task's answer, not shown


@dataclass
class InstanceView:
    instance: ProcessInstance
    xml: str
    path: dict[str, ElementRun]
    failed_element: str | None
    tasks: list[OpenTask]
    timeline: list[Event]
    data: dict[str, Any]
    hidden_data: bool  # something was left out of ``data`` (a vote's content)
    may_manage: bool
    started_by_name: str | None


def visible_instance(session: Session, instance_id: int,
                     oversight: Oversight) -> ProcessInstance:
    """The instance, without opening its workflow. NotFound when there is none; NotAllowed
    when ``oversight`` may not see it (MTG-8: another body's meeting), which tells no more
    than that an instance of that number exists, as the numbers count all of them."""
    instance = session.get(ProcessInstance, instance_id) if 1 <= instance_id <= MAX_INSTANCE_ID \
        else None
    if instance is None:
        raise NotFound(f"no process instance {instance_id}")
    if not may_see_instance(oversight, instance.process_key, instance.scope):
        raise NotAllowed(f"may not see process instance {instance_id}")
    return instance


def instance_view(session: Session, instance_id: int, oversight: Oversight) -> InstanceView:
    """The page of one instance; NotFound or NotAllowed as ``visible_instance`` says."""
    instance = visible_instance(session, instance_id, oversight)
    workflow = read_workflow(instance)
    events = events_of_instance(session, instance.id)
    path = path_of(workflow, instance.process_key)
    failed = _failed_element(instance, events)
    if failed is not None:
        spec = workflow.spec.task_specs.get(failed)  # not in the tree: its step rolled back
        run = path.setdefault(failed, ElementRun(getattr(spec, "bpmn_name", None), FAILED, 1))
        run.state = FAILED
    hidden = private_names(workflow, instance.definition)
    task_rows = _tasks_of(session, instance.id)
    names = display_names(session, {e.actor for e in events} | {instance.started_by}
                          | {t.assignee for t in task_rows.values() if t.state == "open"})
    data = current_data(workflow)  # the workflow was read once, above
    shown = {k: v for k, v in data.items() if k not in hidden}
    return InstanceView(
        instance=instance, xml=instance.definition.bpmn_xml, path=path, failed_element=failed,
        tasks=open_tasks(session, instance, task_rows, names),
        timeline=[_event(e, task_rows.get(e.task_id or 0), names, hidden) for e in events],
        data=shown, hidden_data=len(shown) < len(data),
        may_manage=may_manage_instance(oversight, instance.process_key, instance.scope),
        started_by_name=names.get(instance.started_by or "", instance.started_by))


def _failed_element(instance: ProcessInstance, events: list[AuditEvent]) -> str | None:
    if instance.status != FAILED:
        return None
    failures = [e for e in events if e.kind == "instance_failed"]
    return (failures[-1].details or {}).get("element") if failures else None


def _tasks_of(session: Session, instance_id: int) -> dict[int, HumanTask]:
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id))
    return {task.id: task for task in rows}


def open_tasks(session: Session, instance: ProcessInstance, rows: dict[int, HumanTask],
               names: dict[str, str]) -> list[OpenTask]:
    """The open tasks, oldest first, each with how late it is and who could take it over."""
    at = now()
    mine = [t for _id, t in sorted(rows.items()) if t.state == "open"]
    holders = role_holders(session, {t.role for t in mine if t.role and not t.personal},
                           instance.scope)
    return [OpenTask(
        task, names.get(task.assignee or ""),
        days_late(task.due_at, at) if task.due_at is not None and task.due_at < at else None,
        [] if task.personal else [p for p in holders.get(task.role or "", [])
                                  if p.username != task.assignee])
        for task in mine]


def _event(event: AuditEvent, task: HumanTask | None, names: dict[str, str],
           hidden: set[str]) -> Event:
    details = dict(event.details or {})
    private = task is not None and task.personal and event.kind == "task_completed"
    data = details.pop("data", None)
    if private or not isinstance(data, dict):
        data = {}
    if event.kind == "instance_started":
        data = {k: v for k, v in data.items() if k not in hidden}
    for key in ("to", "from"):
        if isinstance(details.get(key), str):
            details[key] = names.get(details[key], details[key])
    return Event(event.at, event.kind, names.get(event.actor or "", event.actor),
                 task.name if task is not None else details.get("task"), details,
                 labelled(task, data), private)


def private_names(workflow: BpmnWorkflow, definition: ProcessDefinition) -> set[str]:
    """The variables that carry the answers of personal tasks: the collection and item of a
    multi-instance that holds one (``stemmen``, ``stem``), and the fields of its form."""
    names: set[str] = set()
    specs = [workflow.spec, *workflow.subprocess_specs.values()]
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, MultiInstanceTask) and _holds_personal(
                    spec.task_specs.get(task_spec.task_spec), workflow):
                names |= {item.bpmn_id for item in (task_spec.data_output,
                                                   task_spec.output_item) if item is not None}
    return names | _personal_fields(definition, specs)


def _holds_personal(child: Any, workflow: BpmnWorkflow) -> bool:
    if child is None:
        return False
    if _is_personal(child):
        return True
    inner = workflow.subprocess_specs.get(getattr(child, "spec", None) or "")
    return inner is not None and any(_is_personal(s) for s in inner.task_specs.values())


def _is_personal(task_spec: Any) -> bool:
    return bool(properties_of(task_spec).get(ASSIGNEE_PROPERTY))


def _personal_fields(definition: ProcessDefinition, specs: list[Any]) -> set[str]:
    """The form fields of personal tasks, as they reach the data (a vote's ``stemkeuze``)."""
    fields: set[str] = set()
    for spec in specs:
        for task_spec in spec.task_specs.values():
            form = properties_of(task_spec).get(FORM_PROPERTY)
            if _is_personal(task_spec) and form:
                validator = definition_form_validator(definition, form)
                schema = validator.schema if validator is not None else {}
                fields |= set(schema.get("properties", {}))
    return fields
