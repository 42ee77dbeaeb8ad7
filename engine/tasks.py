"""Commands and queries on human tasks: claim, unclaim, complete, the inbox."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from . import audit
from .clock import now
from .db import Database
from .errors import Conflict, NotAllowed, NotFound
from .forms import form_validator, validate_submission
from .identity import holds_role
from .inbox_query import all_open_for
from .instances import check_data, lock_instance, record_failure
from .models import HumanTask, ProcessInstance
from .papers import (
    DEFAULT_RULES,
    FileRules,
    Upload,
    attach_files,
    file_fields,
    removed_on_failure,
)
from .runtime import (
    AssigneeRefused,
    StepFailed,
    advance,
    open_workflow,
    properties_of,
    run_task,
    save,
    separate_from,
)


# A user task property: element ids of tasks that the same person may not also have done.
class SeparationRequired(NotAllowed):
    """Four eyes: the actor did ``earlier_task``, so someone else must do this one."""

    def __init__(self, message: str, earlier_task: str) -> None:
        super().__init__(message)
        self.earlier_task = earlier_task


def require_task(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    return task


def _check_may_work_on(session: Session, task: HumanTask, actor: str) -> None:
    check_open(task)
    if task.instance.status == "failed":
        raise Conflict(f"instance {task.instance_id} has failed ({task.instance.error}); "
                       "it must be repaired before its tasks go on")
    if not holds_role(session, actor, task.role, task.instance.scope):
        raise NotAllowed(f'task {task.id} "{task.name}" is for the role {task.role!r}, '
                         f"which {actor} does not hold")
    if task.assignee not in (None, actor):
        raise Conflict(f'task {task.id} "{task.name}" is claimed by {task.assignee}')


def check_open(task: HumanTask) -> None:
    if task.state != "open":
        by = f" by {task.completed_by}" if task.completed_by else ""
        raise Conflict(f'task {task.id} "{task.name}" is already {task.state}{by}')


def transition_task(session: Session, task: HumanTask, seen: str | None, **values: Any) -> None:
    """Change an open task only if it is still as the command saw it: open, held by ``seen``.

    One conditional UPDATE, checked by its row count: of two transitions at once exactly one
    matches (on PostgreSQL the second waits for the first and then finds the row changed; on
    SQLite writers take turns). The loser gets a Conflict that says what happened meanwhile.
    """
    changed = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.state == "open",
               HumanTask.assignee.is_not_distinct_from(seen))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        session.refresh(task)
        check_open(task)
        holder = f"claimed by {task.assignee}" if task.assignee else "given back"
        raise Conflict(f'task {task.id} "{task.name}" was {holder} just now')
    for name, value in values.items():
        set_committed_value(task, name, value)


def claim_task(db: Database, task_id: int, actor: str) -> HumanTask:
    """Take a task so that others of the same role see it is being done.

    Claiming a task one already holds changes nothing (and writes no audit event).
    """
    with db.transaction() as session:
        task = require_task(session, task_id)
        _check_may_work_on(session, task, actor)
        if task.assignee == actor:
            return task
        try:
            transition_task(session, task, None, assignee=actor)
        except Conflict:
            if task.state == "open" and task.assignee == actor:
                return task  # their own claim a moment earlier (a double click)
            raise
        audit.record(session, "task_claimed", actor, instance_id=task.instance_id,
                     task_id=task.id)
        return task


def unclaim_task(db: Database, task_id: int, actor: str) -> HumanTask:
    """Give a claimed task back to the role."""
    with db.transaction() as session:
        task = require_task(session, task_id)
        check_open(task)
        if task.assignee is None:
            raise Conflict(f"task {task_id} is not claimed")
        if task.assignee != actor:
            raise NotAllowed(f"task {task_id} is claimed by {task.assignee}; only they may "
                             "give it back")
        if task.personal:
            raise Conflict(f'task {task_id} "{task.name}" is meant for {actor} personally '
                           "and cannot be given back")
        transition_task(session, task, actor, assignee=None)
        audit.record(session, "task_unclaimed", actor, instance_id=task.instance_id,
                     task_id=task.id)
        return task


def complete_task(db: Database, task_id: int, actor: str,
                  data: dict[str, Any] | None = None, *, files: Sequence[Upload] = (),
                  file_rules: FileRules = DEFAULT_RULES) -> HumanTask:
    """Complete a task with the data of its form and advance the instance to its next wait.

    The instance row is locked first (PostgreSQL), so completions of tasks of one instance
    take turns instead of failing on its version; the task itself changes by a conditional
    update, so a claim, unclaim or completion of it at the same moment makes one of the two
    a Conflict. Either everything of the step commits, or nothing: the ``files`` for the
    form's file fields too (``engine.papers``).
    """
    data = check_data(data)
    instance_id = None
    written: list[Path] = []
    try:
        with removed_on_failure(written), db.transaction() as session:
            task = require_task(session, task_id)
            instance_id = task.instance_id
            instance = lock_instance(session, instance_id)
            _check_may_work_on(session, task, actor)
            validator = form_validator(task)
            if files or file_fields(validator.schema if validator else None):
                data = attach_files(session, task, validator.schema if validator else None,
                                    data, files, actor, file_rules, written)
            if validator is not None:
                validate_submission(validator, data)
            transition_task(session, task, task.assignee, state="completed", assignee=actor,
                            completed_at=now(), completed_by=actor)
            _run(session, task, instance, data)
            audit.record(session, "task_completed", actor, instance_id=task.instance_id,
                         task_id=task.id, details={"task": task.name, "data": data})
            return task
    except AssigneeRefused:
        raise  # the submission is refused as a whole; the instance is as it was
    except StepFailed as err:
        record_failure(db, instance_id, err, actor)
        raise


def _run(session: Session, task: HumanTask, instance: ProcessInstance,
         data: dict[str, Any]) -> None:
    workflow = open_workflow(instance)
    spiff_task = workflow.get_task_from_id(UUID(task.spiff_task_id))
    _check_separation(session, task, spiff_task)
    run_task(spiff_task, data, session, task.completed_by, instance.id)
    save(session, instance, workflow, advance(workflow, session, task.assignee, instance.id))


def _check_separation(session: Session, task: HumanTask, spiff_task: Any) -> None:
    """Four eyes: a task with ``separateFrom`` needs someone other than who did those tasks.

    E.g. the two portefeuillehouders' reviews share a lane, but must be two people (BUD-2).
    The diagram decides (rows made before migration 0005 lack the projected elements).
    """
    elements = separate_from(properties_of(spiff_task.task_spec))
    earlier = done_by_the_same(session, task, task.completed_by, elements)
    if earlier is not None:
        raise SeparationRequired(f'task {task.id} "{task.name}" must be done by someone other '
                                 f'than who did "{earlier.name}"', earlier.name)


def done_by_the_same(session: Session, task: HumanTask, username: str | None,
                      elements: list[str]) -> HumanTask | None:
    """The task of ``elements`` in this instance that ``username`` completed, if any."""
    if not elements or username is None:
        return None
    return session.scalars(select(HumanTask).where(
        HumanTask.instance_id == task.instance_id, HumanTask.id != task.id,
        HumanTask.element_id.in_(elements),
        HumanTask.state == "completed", HumanTask.completed_by == username)).first()


def inbox(db: Database, username: str) -> list[HumanTask]:
    """Open tasks of a role the user holds today for the task's body: unclaimed, or claimed by or
    assigned to the user, and not kept from them by the four-eyes rule; newest first. (The
    inbox page reads them a page at a time: ``engine.inbox_query.inbox_page``.)"""
    with db.reading() as session:
        return all_open_for(session, username)


def get_task(db: Database, task_id: int) -> HumanTask:
    with db.reading() as session:
        return require_task(session, task_id)


def tasks_of_instance(db: Database, instance_id: int) -> list[HumanTask]:
    with db.reading() as session:
        return list(session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.id)))
