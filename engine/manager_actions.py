"""What a manager may do to the work of others: hand a task to another person who holds its
role, and retry an instance that failed. Each is one transaction, audited, and refused for
anyone who does not oversee the instance (``engine.oversight``)."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .db import Database
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .identity import holds_role
from .instances import lock_instance, record_failure
from .models import HumanTask, ProcessInstance, User
from .oversight import may_manage_instance, oversight_of
from .runtime import StepFailed, advance, open_workflow, save
from .tasks import check_open, done_by_the_same, require_task, transition_task
from .timer_events import firing_log


def hand_over_task(db: Database, task_id: int, to: str, actor: str,
                   reason: str | None = None) -> HumanTask:
    """Give an open task to ``to``, who must hold its role for the instance's body; it is then
    in their inbox as claimed by them. The instance's row is taken first, as every command
    that changes an instance does."""
    with db.transaction() as session:
        instance_id = session.scalar(select(HumanTask.instance_id)
                                     .where(HumanTask.id == task_id))
        if instance_id is None:
            raise NotFound(f"no task {task_id}")
        instance = lock_instance(session, instance_id)
        task = require_task(session, task_id)
        _check_may_manage(session, instance, actor)
        check_open(task)
        _check_receiver(session, task, instance, to)
        before = task.assignee
        transition_task(session, task, before, assignee=to)
        audit.record(session, "task_handed_over", actor, instance_id=instance.id,
                     task_id=task.id, details={"from": before, "to": to,
                                               **({"reason": reason} if reason else {})})
        return task


def retry_instance(db: Database, instance_id: int, actor: str) -> ProcessInstance:
    """Run a failed instance's failed step again, once its cause is fixed (Camunda's incident
    pattern). A failed step was rolled back, so the instance stands where it stood before it:
    a timer that failed fires again now, an automatic step runs again, and a task whose
    completion failed is open again for its doer. If it fails again, the instance stays failed
    with the new error and nothing of the attempt is kept."""
    try:
        with db.transaction() as session:
            instance = lock_instance(session, instance_id)
            _check_may_manage(session, instance, actor)
            if instance.status != "failed":
                raise Conflict(f"instance {instance_id} has not failed (it is {instance.status})")
            cause = instance.error
            workflow = _loaded(instance)
            with firing_log() as firings:
                milestones = advance(workflow, session, actor, instance.id)
            save(session, instance, workflow, milestones)
            audit.record(session, "instance_retried", actor, instance_id=instance.id,
                         details={"error": cause, "status": instance.status})
            for firing in firings:
                audit.record(session, "timer_fired", None, instance_id=instance.id,
                             details=firing)
            return instance
    except StepFailed as err:
        record_failure(db, instance_id, err, actor)
        raise


def _loaded(instance: ProcessInstance) -> BpmnWorkflow:
    try:
        return open_workflow(instance)
    except Exception as err:  # a state that no longer loads fails the retry, not the server
        raise StepFailed(f"the instance's state could not be loaded: {err}") from err


def _check_may_manage(session: Session, instance: ProcessInstance, actor: str) -> None:
    if not may_manage_instance(oversight_of(session, actor), instance.process_key,
                               instance.scope):
        raise NotAllowed(f"{actor} does not oversee instance {instance.id} and may not "
                         "hand over its tasks")


def _check_receiver(session: Session, task: HumanTask, instance: ProcessInstance,
                    to: str) -> None:
    if task.personal:
        raise Conflict(f'task {task.id} "{task.name}" is meant for {task.assignee} personally '
                       "(a member's own vote) and cannot be handed over")
    if to == task.assignee:
        raise Conflict(f'task {task.id} "{task.name}" is already with {to}')
    if session.scalar(select(User.id).where(User.username == to,
                                            User.is_active.is_(True))) is None:
        raise InvalidInput(f"there is no active user {to!r}", {"to": "unknown"})
    if not holds_role(session, to, task.role, instance.scope):
        raise NotAllowed(f'{to} does not hold the role {task.role!r} of task {task.id} '
                         f'"{task.name}"')
    elements = [e for e in (task.separate_from or "").split(",") if e]
    earlier = done_by_the_same(session, task, to, elements)
    if earlier is not None:
        raise NotAllowed(f'{to} did "{earlier.name}", so "{task.name}" must go to someone else')
