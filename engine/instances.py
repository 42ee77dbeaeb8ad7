"""Commands and queries on process instances: start, cancel, show, list."""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session, undefer_group

from . import audit
from .calendar_events import call_off_meeting
from .clock import now
from .db import Database
from .deploy import require_latest_definition, specs_for
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .identity import ADMIN_ROLE, holds_role, require_active_user
from .limits import current_limits
from .models import HumanTask, ProcessInstance
from .nesting import TOO_DEEP, value_too_deep
from .oversight import may_manage_instance, oversight_of
from .runtime import StepFailed, advance, run_start_script, save, start_title
from .spiff import new_workflow
from .start_data import check_start_data, supply_timer_start
from .timer_events import begin_at, settle_start, start_script
from .workflow_data import current_data
from .workflow_store import (
    STATE_FORMAT,
    open_workflow,
    read_state,
    read_workflow,
    store_workflow,
)

STATUSES = ("running", "waiting", "completed", "failed", "cancelled")


def check_data(data: Any) -> dict[str, Any]:
    """Instance and task data must be a JSON object (it is stored as JSON)."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput("data must be a JSON object, e.g. {\"year\": 2027}")
    if value_too_deep(data):  # before the encoder, which recurses per level
        raise InvalidInput(f"data is {TOO_DEEP}")
    try:
        # NaN and Infinity are not JSON (PostgreSQL refuses them), though Python writes them.
        size = len(json.dumps(data, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise InvalidInput(f"data cannot be stored as JSON: {err}") from err
    limits = current_limits()
    if size > limits.data_bytes:
        raise InvalidInput(f"data of {size / 1_000_000:.1f} MB is more than the limit of "
                           f"{limits.describe_data()} per instance")
    return data


def start_instance(db: Database, key: str, *, title: str | None = None,
                   data: dict[str, Any] | None = None, actor: str | None = None,
                   scope: str | None = None, start_event: str | None = None) -> ProcessInstance:
    """Start the latest version of process ``key`` and run it to its first wait state.

    ``actor`` None means the system (a timer). ``start_event`` names the timer start event
    this instance is an occurrence of; by hand, the plain start event is taken (or the first
    timer start event when there is none). Data that does not fit the start event's form is
    refused (FormRejected) and nothing is stored. A step that fails leaves the instance
    ``failed`` at its start, with the error kept.
    """
    # A copy: _create completes it (a timer start's occurrence), and a failed start is then
    # recorded with the same data as the attempt.
    data = dict(check_data(data))
    if title is not None and len(title) > 300:
        raise InvalidInput("a title has at most 300 characters", {"title": "too long"})
    how = {"title": title, "data": data, "actor": actor, "scope": scope,
           "start_event": start_event}
    try:
        with db.transaction() as session:
            return start_in(session, key, **how)
    except StepFailed as err:
        with db.transaction() as session:
            return start_failed_in(session, key, err, **how)


def start_in(session: Session, key: str, *, title: str | None, data: dict[str, Any],
             actor: str | None, scope: str | None, start_event: str | None,
             default_title: str | None = None) -> ProcessInstance:
    """Start an instance inside the caller's transaction; raises StepFailed when a step fails.

    The title is ``title`` when one is given, else what the start event's ``instanceTitle``
    makes of the start data, else ``default_title``, else the process's name."""
    instance, workflow, start_spec = _create(session, key, title or default_title, data, actor,
                                             scope, start_event)
    run_start_script(workflow, start_script(start_spec), session, actor, instance.id)
    titled = None if title else start_title(workflow, start_spec, session, actor, instance.id)
    if titled:
        instance.title = titled
    _record_start(session, instance, actor, data)
    milestones = advance(workflow, session, actor, instance.id)
    settle_start(workflow)
    save(session, instance, workflow, milestones)
    return instance


def start_failed_in(session: Session, key: str, error: StepFailed, *, title: str | None,
                    data: dict[str, Any], actor: str | None, scope: str | None,
                    start_event: str | None, default_title: str | None = None,
                    ) -> ProcessInstance:
    """Record an instance whose first step failed (after that step was rolled back)."""
    instance, workflow, _start = _create(session, key, title or default_title, data, actor,
                                         scope, start_event)
    store_workflow(instance, workflow)  # as it was before the step that failed, for a retry
    _record_start(session, instance, actor, data)
    mark_failed(session, instance, error, actor)
    return instance


def _create(session: Session, key: str, title: str | None, data: dict[str, Any],
            actor: str | None, scope: str | None,
            start_event: str | None) -> tuple[ProcessInstance, Any, Any]:
    if actor is not None:
        require_active_user(session, actor)
    definition = require_latest_definition(session, key)
    spec, subprocesses = specs_for(session, definition)
    workflow = new_workflow(spec, subprocesses)
    try:
        start_spec = begin_at(workflow, start_event)
    except ValueError as err:
        raise InvalidInput(str(err), {"start_event": str(err)}) from err
    scope = supply_timer_start(start_spec, data, scope)
    check_start_data(definition, start_spec, data)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    instance = ProcessInstance(
        definition=definition, process_key=key, title=(title or definition.name).strip(),
        status="running", scope=scope, workflow_json="{}", state_format=STATE_FORMAT,
        started_by=actor,
    )
    session.add(instance)
    session.flush()  # its id, for the rows of its state (stored by the step that follows)
    return instance, workflow, start_spec


def _record_start(session: Session, instance: ProcessInstance, actor: str | None,
                  data: dict[str, Any]) -> None:
    audit.record(session, "instance_started", actor, instance_id=instance.id,
                 details={"process": instance.process_key,
                          "version": instance.definition.version, "title": instance.title,
                          "data": data})


def record_failure(db: Database, instance_id: int, error: StepFailed, actor: str | None) -> None:
    """Mark an instance failed in a transaction of its own, after its step was rolled back."""
    with db.transaction() as session:
        instance = session.get(ProcessInstance, instance_id)
        if instance is not None:
            mark_failed(session, instance, error, actor)


def mark_failed(session: Session, instance: ProcessInstance, error: StepFailed,
                 actor: str | None) -> None:
    instance.status, instance.error = "failed", error.message
    audit.record(session, "instance_failed", actor, instance_id=instance.id,
                 details={"error": error.message, "element": error.element})


def cancel_instance(db: Database, instance_id: int, actor: str,
                    reason: str | None = None) -> ProcessInstance:
    """Stop an instance; its open tasks are cancelled. The starter or a Beheerder may do it,
    and a manager who oversees the instance, who must say why (it stands in the audit trail)."""
    with db.transaction() as session:
        instance = lock_instance(session, instance_id)
        if instance.status in ("completed", "cancelled"):
            raise Conflict(f"instance {instance_id} is already {instance.status}")
        if actor != instance.started_by and not holds_role(session, actor, ADMIN_ROLE):
            if not may_manage_instance(oversight_of(session, actor), instance.process_key,
                                       instance.scope):
                raise NotAllowed(f"only the one who started instance {instance_id}, a "
                                 f"{ADMIN_ROLE} or a manager who oversees it may cancel it")
            if not (reason or "").strip():
                raise InvalidInput("a manager who cancels an instance must give a reason",
                                   {"reason": "required"})
        workflow = open_workflow(instance)
        workflow.cancel()
        store_workflow(instance, workflow)
        instance.status, instance.ended_at, instance.next_timer_at = "cancelled", now(), None
        # Conditional, like every task transition: a task completed meanwhile stays completed.
        session.execute(update(HumanTask).where(HumanTask.instance_id == instance.id,
                                                HumanTask.state == "open")
                        .values(state="cancelled"))
        call_off_meeting(session, instance.id)
        audit.record(session, "instance_cancelled", actor, instance_id=instance.id,
                     details={"reason": reason} if reason else {})
        return instance


def require_instance(session: Session, instance_id: int) -> ProcessInstance:
    """One instance with its serialized state, to read its workflow also once the session
    has ended (``instance_data``)."""
    instance = session.get(ProcessInstance, instance_id, options=[undefer_group("state")])
    if instance is None:
        raise NotFound(f"no process instance {instance_id}")
    read_state(session, instance)
    return instance


def lock_instance(session: Session, instance_id: int) -> ProcessInstance:
    """The instance as committed now, its row locked until the transaction ends.

    On PostgreSQL FOR NO KEY UPDATE: commands that change one instance take turns, always
    taking the instance before its task rows (so they cannot deadlock), while audit rows that
    refer to it can still be written. SQLite has no row locks: a command's transaction holds
    the write lock from its start (``Database.transaction``), so commands take turns anyway.
    """
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.id == instance_id)
        .with_for_update(key_share=True, of=ProcessInstance)
        .execution_options(populate_existing=True)).first()
    if instance is None:
        raise NotFound(f"no process instance {instance_id}")
    return instance


def get_instance(db: Database, instance_id: int) -> ProcessInstance:
    with db.reading() as session:
        return require_instance(session, instance_id)


def instance_data(instance: ProcessInstance) -> dict[str, Any]:
    """The data of the instance as its last completed task left it."""
    return current_data(read_workflow(instance))


def list_instances(db: Database, *, process: str | None = None, status: str | None = None,
                   limit: int = 200) -> list[ProcessInstance]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; one of: {', '.join(STATUSES)}")
    query = select(ProcessInstance).order_by(ProcessInstance.id.desc()).limit(limit)
    if process:
        query = query.where(ProcessInstance.process_key == process)
    if status:
        query = query.where(ProcessInstance.status == status)
    with db.reading() as session:
        return list(session.scalars(query))
