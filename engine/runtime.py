"""One step of an instance: advance SpiffWorkflow to its next wait state, then save and project.

Only the command modules call this; they own the transaction around it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import (
    BoundaryEvent,
    IntermediateThrowEvent,
)
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .bounds import StepBudget
from .clock import now
from .errors import EngineError
from .form_data import ChoicesMissing, form_context
from .forms import definition_form_validator
from .identity import who_may_not
from .instance_date import dated_on
from .models import HumanTask, ProcessInstance
from .spiff import properties_of
from .task_mail import announce_new_tasks
from .timer_events import timer_value
from .timer_expressions import parse_instant

# open_workflow is the step's side of the store; the command modules take it from here.
from .workflow_store import open_workflow, store_workflow  # noqa: F401

MILESTONES = (StartEvent, EndEvent, IntermediateThrowEvent)
FORM_PROPERTY = "formJsonSchemaFilename"
# An expression over the task data naming the one user who must do the task.
ASSIGNEE_PROPERTY = "assignee"
# Four eyes: comma-separated ids of tasks whose doer may not do this one (BUD-2).
SEPARATE_PROPERTY = "separateFrom"
# A time (literal or expression, as a timeDate) by which a user task should be done.
DUE_PROPERTY = "dueDate"
# On a start event: an expression over the start data (after its post-script) that names the
# instance, the cycle a manager sees ("Begroting 2028").
TITLE_PROPERTY = "instanceTitle"
MAX_TITLE = 300


class StepFailed(EngineError):
    """A script, service task or expression raised while the instance advanced."""

    code = "process_failed"

    def __init__(self, message: str, element: str | None = None) -> None:
        super().__init__(message)
        self.element = element


class AssigneeRefused(StepFailed):
    """The step would give a personal task to someone who may not do it: no such active user,
    or not holding the task's role for its body. A person's submission that leads to it is
    refused as a whole, so that no task goes to nobody."""

    code = "assignee_refused"

    def __init__(self, message: str, element: str | None, usernames: list[str]) -> None:
        super().__init__(message, element)
        self.usernames = usernames


_step: ContextVar[tuple[Session, str | None, int | None] | None] = ContextVar(
    "govflow_step", default=None)


def current_step() -> tuple[Session, str | None]:
    """The transaction and actor of the step being run, for service-task operators.

    Domain functions that a service task calls (``workflows/``) write through this session,
    so their changes commit or roll back together with the step.
    """
    step = _step.get()
    if step is None:
        raise RuntimeError("no engine step is running")
    return step[0], step[1]


def current_instance_id() -> int | None:
    """The instance whose step is running, for service operators that act on it."""
    step = _step.get()
    if step is None:
        raise RuntimeError("no engine step is running")
    return step[2]


def advance(workflow: BpmnWorkflow, session: Session, actor: str | None = None,
            instance_id: int | None = None) -> list[str]:
    """Run every ready engine task; returns the milestones reached, in order."""
    milestones: list[str] = []
    budget = StepBudget()

    def note_milestone(task: Any) -> None:
        budget.spend(task)
        spec = task.task_spec
        if task.workflow is workflow and isinstance(spec, MILESTONES) and spec.bpmn_name:
            milestones.append(spec.bpmn_name)

    with _step_of(session, actor, instance_id):
        workflow.refresh_timers()
        workflow.do_engine_steps(did_complete_task=note_milestone)
    return milestones


def run_task(task: Any, data: dict[str, Any], session: Session, actor: str | None,
             instance_id: int | None = None) -> None:
    """Complete a human task with its data (its post-script and multi-instance merge run here)."""
    with _step_of(session, actor, instance_id):
        task.data.update(data)
        task.run()


def run_start_script(workflow: BpmnWorkflow, script: str | None, session: Session,
                     actor: str | None, instance_id: int | None) -> None:
    """Run the chosen start event's post-script on the start data, before the first step."""
    if not script:
        return
    with _step_of(session, actor, instance_id):
        for task in workflow.get_tasks(state=TaskState.READY):
            workflow.script_engine.execute(task, script)


def start_title(workflow: BpmnWorkflow, start_spec: Any, session: Session,
                actor: str | None, instance_id: int | None) -> str | None:
    """The instance's title from the start event's ``instanceTitle``, if it has one."""
    expression = properties_of(start_spec).get(TITLE_PROPERTY)
    if not expression:
        return None
    ready = workflow.get_tasks(state=TaskState.READY)  # they hold the start data
    if not ready:
        return None
    with _step_of(session, actor, instance_id):
        title = workflow.script_engine.evaluate(ready[0], expression)
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > MAX_TITLE:
        raise StepFailed(f"the instance title of \"{start_spec.bpmn_name or start_spec.bpmn_id}\" "
                         f"must be a text of 1 to {MAX_TITLE} characters, not {title!r:.60}",
                         start_spec.bpmn_id)
    return " ".join(title.split())


@contextmanager
def _step_of(session: Session, actor: str | None, instance_id: int | None) -> Iterator[None]:
    """Expose the step's transaction to service operators; turn any error into StepFailed."""
    token = _step.set((session, actor, instance_id))
    try:
        yield
    except SpiffWorkflowException as err:
        task_spec = getattr(err, "task_spec", None)
        element = getattr(task_spec, "bpmn_id", None)
        name = getattr(task_spec, "bpmn_name", None) or element
        where = f' at "{name}"' if name else ""
        raise StepFailed(f"the process stopped with an error{where}: {err}", element) from err
    except EngineError:
        raise
    except Exception as err:  # a helper function raised something of its own
        raise StepFailed(f"the process stopped with an error: {err}") from err
    finally:
        _step.reset(token)


def save(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow,
         milestones: list[str]) -> None:
    """Store the state, derive status, stage, the day it is about and next timer, and refresh
    the task projection."""
    store_workflow(instance, workflow)
    if milestones:
        instance.stage = milestones[-1]
    instance.dated_on = dated_on(workflow)
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    instance.next_timer_at, instance.next_timer_name = next_timer(workflow)
    if workflow.is_completed():
        instance.status, instance.ended_at = "completed", now()
    elif ready:
        instance.status = "running"
    else:
        instance.status = "waiting"
    instance.error = None
    project_tasks(session, instance, ready)


def next_timer(workflow: BpmnWorkflow) -> tuple[datetime | None, str | None]:
    """The earliest due time of the timers the instance waits on, and that timer's name."""
    due = [(datetime.fromisoformat(event.value), event.name)
           for event in workflow.waiting_events()
           if "Timer" in event.event_type and isinstance(event.value, str)]
    return min(due, default=(None, None))


def project_tasks(session: Session, instance: ProcessInstance, ready: list[Any]) -> None:
    """Make the open rows of ``human_tasks`` match the ready human tasks of the workflow."""
    # No autoflush: the step's changes are written once, at commit.
    with session.no_autoflush:
        open_rows = dict(session.execute(
            select(HumanTask.spiff_task_id, HumanTask.id)
            .where(HumanTask.instance_id == instance.id, HumanTask.state == "open")).all())
    ready_ids = {str(task.id) for task in ready}
    # Gone without completion (a boundary event, a cancel): cancelled, if still open. The task
    # completed in this step was already changed by its own conditional update.
    gone = [row_id for spiff_id, row_id in open_rows.items() if spiff_id not in ready_ids]
    if gone:
        with session.no_autoflush:
            session.execute(update(HumanTask)
                            .where(HumanTask.id.in_(gone), HumanTask.state == "open")
                            .values(state="cancelled"))
    new = [_new_task_row(instance, task) for task in ready if str(task.id) not in open_rows]
    with session.no_autoflush:
        _check_assignees(session, instance, new)
        announce_new_tasks(session, instance, new)
    session.add_all(new)


def _new_task_row(instance: ProcessInstance, task: Any) -> HumanTask:
    spec = task.task_spec
    properties = properties_of(spec)
    assignee = _personal_assignee(task, properties.get(ASSIGNEE_PROPERTY))
    form = properties.get(FORM_PROPERTY)
    return HumanTask(
        instance_id=instance.id, spiff_task_id=str(task.id), element_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id, role=spec.lane, state="open",
        documentation=spec.documentation, form=form,
        assignee=assignee, personal=assignee is not None,
        due_at=_due_at(task, properties.get(DUE_PROPERTY)),
        separate_from=",".join(separate_from(properties)) or None,
        form_context=_form_context(instance, task, form, assignee is not None),
    )


def _form_context(instance: ProcessInstance, task: Any, form: str | None,
                  personal: bool) -> dict[str, Any] | None:
    validator = definition_form_validator(instance.definition, form) if form else None
    if validator is None:
        return None
    try:
        return form_context(validator.schema, task.data, personal)
    except ChoicesMissing as err:
        raise StepFailed(f'the form of "{task.task_spec.bpmn_name}" cannot be shown: {err}',
                         task.task_spec.bpmn_id) from err


def _check_assignees(session: Session, instance: ProcessInstance, rows: list[HumanTask]) -> None:
    """A personal task goes only to someone who may do it (and so sees it in their inbox)."""
    for element in {row.element_id for row in rows if row.personal}:
        mine = [row for row in rows if row.element_id == element and row.personal]
        refused = who_may_not(session, {row.assignee or "" for row in mine}, mine[0].role,
                              instance.scope)
        if refused:
            listed = "; ".join(f"{name} {why}" for name, why in refused.items())
            raise AssigneeRefused(f'the task "{mine[0].name}" cannot go to {listed}',
                                  element, sorted(refused))


def separate_from(properties: dict[str, str]) -> list[str]:
    return [e.strip() for e in properties.get(SEPARATE_PROPERTY, "").split(",") if e.strip()]


def _due_at(task: Any, expression: str | None) -> datetime | None:
    """When the task should be done: its ``dueDate``, else its earliest interrupting timer."""
    if expression:
        try:
            return parse_instant(timer_value(task, expression))
        except Exception as err:
            raise StepFailed(f'the due date of "{task.task_spec.bpmn_name}" could not be '
                             f"computed: {err}", task.task_spec.bpmn_id) from err
    deadlines = []
    for sibling in task.parent.children if task.parent is not None else []:
        spec = sibling.task_spec
        if (isinstance(spec, BoundaryEvent) and spec.cancel_activity
                and isinstance(spec.event_definition, TimerEventDefinition)):
            value = sibling._get_internal_data("event_value")
            if isinstance(value, str):
                deadlines.append(datetime.fromisoformat(value))
    return min(deadlines, default=None)


def _personal_assignee(task: Any, expression: str | None) -> str | None:
    """A task meant for one person (a member's vote): the ``assignee`` property names them."""
    if not expression:
        return None
    try:
        username = task.workflow.script_engine.evaluate(task, expression)
    except Exception as err:
        raise StepFailed(f'the assignee of "{task.task_spec.bpmn_name}" could not be '
                         f"determined: {err}", task.task_spec.bpmn_id) from err
    if not isinstance(username, str) or not username:
        raise StepFailed(f'the assignee of "{task.task_spec.bpmn_name}" is not a username: '
                         f"{username!r}", task.task_spec.bpmn_id)
    return username
