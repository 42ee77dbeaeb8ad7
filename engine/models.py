"""The tables of the engine: definitions, instances, the human-task projection, audit, identity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .clock import now
from .db import Base


def utcnow() -> datetime:
    # The engine's clock, not the machine's: a test run's moved clock stamps what it writes.
    return now()


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no zone of its own)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class ProcessDefinition(Base):
    """One immutable, numbered version of a process (key = the BPMN process id)."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    source_name: Mapped[str] = mapped_column(String(300))
    # Deferred: instances and tasks join their definition, but rarely need its sources.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    # DMN tables and forms this version needs, by file name: {"x-schema.json": "..."}
    resources: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str | None] = mapped_column(String(150))
    # What changed and why, in the deployer's words (required when deployed from the browser).
    change_note: Mapped[str | None] = mapped_column(Text)


class Draft(Base):
    """A process owner's change of one process, saved but not deployed: at most one per
    process, shared by its owners. Every save raises ``revision``; a save made on an older
    revision is refused, so two owners never overwrite each other unseen."""

    __tablename__ = "process_drafts"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    source_name: Mapped[str] = mapped_column(String(300))
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    # The forms and DMN tables the draft's diagram may name, by file name (as on a version).
    resources: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, deferred=True)
    # The version the draft was started from; None for a new process.
    base_version: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(150))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(150))

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 (optimistic locking)


class DraftForm(Base):
    """A form (JSON Schema or UI schema file) of a draft, as the form editor saved it. Apart
    from the draft's row, so that saving a form does not make an open diagram editor stale;
    each form has a revision of its own for two owners editing one form."""

    __tablename__ = "draft_forms"

    key: Mapped[str] = mapped_column(
        ForeignKey("process_drafts.key", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(150))

    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 (optimistic locking)


class ProcessInstance(Base):
    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    # The last milestone reached (a named start, end or intermediate throw event).
    stage: Mapped[str | None] = mapped_column(String(300))
    # The day the instance is about (a meeting's date), from the start event's instanceDate.
    dated_on: Mapped[date | None] = mapped_column(Date)
    # The body or organisation the instance is about; scoped role assignments match it.
    scope: Mapped[str | None] = mapped_column(String(200), index=True)
    state_format: Mapped[int] = mapped_column(Integer, default=1)
    # The serialized state (engine/workflow_store.py): the workflow's own attributes here, its
    # specs once at the start, each task in ``instance_task_states``. Deferred: read only to
    # run the workflow (lists and task rows join instances often).
    workflow_json: Mapped[str] = mapped_column(Text, deferred=True, deferred_group="state")
    spec_json: Mapped[str | None] = mapped_column(Text, deferred=True, deferred_group="state")
    # Changes with every saved state: a process's cached workflow is current while it matches.
    state_token: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    next_timer_name: Mapped[str | None] = mapped_column(String(300))
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by: Mapped[str | None] = mapped_column(String(150))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    # A year's counts per status from the index alone (PostgreSQL's INCLUDE).
    __table_args__ = (Index("ix_process_instances_started", "started_at",
                            postgresql_include=["scope", "status", "id"]),)
    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 (optimistic locking)


# Meetings per year (workflows/meeting_counts.py) by the day they are about.
Index("ix_process_instances_key_dated", ProcessInstance.process_key, ProcessInstance.dated_on)
# The overview reads cycles per process, newest first (engine/overview.py), in index order.
Index("ix_process_instances_key_started", ProcessInstance.process_key,
      ProcessInstance.started_at.desc(), ProcessInstance.id.desc())


class StoredTask(Base):
    """One SpiffWorkflow task of an instance's serialized state: a step rewrites only the
    tasks it changed, so its cost does not grow with the instance's history. Finished history
    that no step needs any more is ``archived``: kept for the record (the path on the diagram),
    left out of the workflow a step runs."""

    __tablename__ = "instance_task_states"
    # A step reads the live tasks only, in the order they were made.
    __table_args__ = (Index("ix_instance_task_states_live", "instance_id", "position",
                            postgresql_where=text("archived = false"),
                            sqlite_where=text("archived = 0")),)

    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The order tasks were made in: a task is restored after its parent.
    position: Mapped[int] = mapped_column(Integer)
    # The (sub)workflow the task belongs to: "" for the instance's own, else the id of the
    # task that runs the sub-process.
    workflow: Mapped[str] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(default=False, server_default=false())


class HumanTask(Base):
    """The projection of one user task, read by inboxes instead of the serialized workflow."""

    __tablename__ = "human_tasks"
    __table_args__ = (Index("ix_human_tasks_role_state", "role", "state"),
                      Index("ix_human_tasks_instance_state", "instance_id", "state"),
                      # Which instances completed a given task (a meeting's attendance).
                      Index("ix_human_tasks_element_state", "element_id", "state",
                            "instance_id"),
                      Index("ix_human_tasks_state_due", "state", "due_at",
                            postgresql_include=["instance_id"]),
                      # The inbox: open tasks newest first, of any role or of one.
                      Index("ix_human_tasks_open_created", "created_at", "id",
                            postgresql_where=text("state = 'open'"),
                            sqlite_where=text("state = 'open'")),
                      Index("ix_human_tasks_open_role", "role", "created_at", "id",
                            postgresql_where=text("state = 'open'"),
                            sqlite_where=text("state = 'open'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), index=True)  # open, completed, cancelled
    assignee: Mapped[str | None] = mapped_column(String(150), index=True)
    # Assigned by the process to one person (a member's vote), not claimed from the role.
    personal: Mapped[bool] = mapped_column(default=False)
    documentation: Mapped[str | None] = mapped_column(Text)
    form: Mapped[str | None] = mapped_column(String(300))
    # Four eyes: element ids of this instance's tasks whose doer may not do this one.
    separate_from: Mapped[str | None] = mapped_column(String(400))
    # What the form shows when the task opens, taken from the task data when it was created:
    # {"options": {variable: [{"value": ..., "label": ...}]}, "values": {field: value}}.
    form_context: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(150))

    instance: Mapped[ProcessInstance] = relationship(lazy="joined")


class AuditEvent(Base):
    """Append-only: who did what, when, on which instance and task."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(60), index=True)
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instances.id"), index=True
    )
    # Indexed: what was entered at a task (the meetings' agendas, for MTG-9).
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of every session of the user; raised on sign-out, which ends all their sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The language of the mail they get, the hour (Europe/Amsterdam) of their daily digest,
    # and the secret of their calendar feed's address (renewed on request).
    language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    digest_hour: Mapped[int] = mapped_column(Integer, default=8, server_default="8")
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class Role(Base):
    """A role a lane may name, e.g. "Manager ZVH".

    A role with ``needs_scope`` is only held for a scope (a body role such as "Lid" is held for
    one body). A role with a ``base_role`` is a name for that role in one ``fixed_scope``:
    "Lid DVO" is "Lid" held for "dvo". It is never stored in an assignment of its own.
    """

    __tablename__ = "roles"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text)
    needs_scope: Mapped[bool] = mapped_column(default=False, server_default=false())
    base_role: Mapped[str | None] = mapped_column(String(200))
    fixed_scope: Mapped[str | None] = mapped_column(String(200))


class RoleAssignment(Base):
    """A user holds a role, optionally for one body or organisation, within dates."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.name"), index=True)
    scope: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    user: Mapped[User] = relationship(back_populates="assignments")

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class TimerSchedule(Base):
    """The next occurrence of one timer start event: each occurrence starts a new instance."""

    __tablename__ = "timer_schedules"
    __table_args__ = (UniqueConstraint("process_key", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    # The version whose start event this is: the latest deployed.
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    kind: Mapped[str] = mapped_column(String(20))  # timeDate, timeDuration, timeCycle
    expression: Mapped[str] = mapped_column(Text)
    # The instances it starts are about this body or organisation (the start event's `scope`).
    scope: Mapped[str | None] = mapped_column(String(200))
    # A cycle as computed at deployment: {"start": ..., "period": ..., "repetitions": ...}
    cycle: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 (optimistic locking)


class Notification(Base):
    """A message for one user, or for everyone holding a role (for a scope): reminders,
    escalations, frequency warnings. Pages and mail read this table."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))  # reminder, escalation, frequency
    recipient: Mapped[str | None] = mapped_column(String(150), index=True)
    role: Mapped[str | None] = mapped_column(String(200), index=True)
    scope: Mapped[str | None] = mapped_column(String(200))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"),
                                                    index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    message: Mapped[str] = mapped_column(Text)


class AttemptCount(Base):
    """How often something was tried (signing in) in one fixed window, per key.

    In the database so that every web process counts together; ``key`` is a hash (no
    addresses or usernames are kept), and rows of windows that have passed are pruned.
    """

    __tablename__ = "attempt_counts"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    hits: Mapped[int] = mapped_column(Integer)


class SchedulerHeartbeat(Base):
    """When a scheduler last completed a run, so that /health sees one that stalled."""

    __tablename__ = "scheduler_heartbeats"

    # host:pid of the scheduler process.
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    last_completed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# The outbox, calendars and papers join the same metadata.
from . import outreach_models  # noqa: E402, F401
