"""Marshmallow schemas: one JSON shape per concept, shared by the CLI's --json and the API."""

from __future__ import annotations

from marshmallow import Schema, fields


class DeployedSchema(Schema):
    process = fields.String(attribute="key")
    version = fields.Integer()
    status = fields.String()


class InstanceSchema(Schema):
    id = fields.Integer()
    process = fields.String(attribute="process_key")
    version = fields.Function(lambda i: i.definition.version)
    title = fields.String()
    status = fields.String()
    stage = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    started_at = fields.AwareDateTime()
    started_by = fields.String(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    next_timer_at = fields.AwareDateTime(allow_none=True)
    next_timer = fields.String(attribute="next_timer_name", allow_none=True)


class NotificationSchema(Schema):
    id = fields.Integer()
    created_at = fields.AwareDateTime()
    kind = fields.String()  # reminder, escalation
    message = fields.String()
    recipient = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.Integer(allow_none=True)


class UpcomingTimerSchema(Schema):
    due_at = fields.AwareDateTime()
    kind = fields.String()  # "start": a new instance; "timer": an instance waits on it
    process = fields.String(attribute="process_key")
    name = fields.String()
    instance_id = fields.Integer(allow_none=True)
    title = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)


class TaskSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    role = fields.String(allow_none=True)
    state = fields.Function(lambda t: "claimed" if t.state == "open" and t.assignee else t.state)
    assignee = fields.String(allow_none=True)
    instance_id = fields.Integer()
    instance_title = fields.Function(lambda t: t.instance.title)
    process = fields.Function(lambda t: t.instance.process_key)
    element = fields.String(attribute="element_id")
    form = fields.String(allow_none=True)
    due_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    completed_at = fields.AwareDateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor = fields.String(allow_none=True)
    kind = fields.String()
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    details = fields.Dict()


class RoleAssignmentSchema(Schema):
    role = fields.String()
    scope = fields.String(allow_none=True)
    valid_from = fields.Date()
    valid_until = fields.Date(allow_none=True)


class UserSchema(Schema):
    username = fields.String()
    display_name = fields.String()
    email = fields.String(allow_none=True)
    active = fields.Boolean(attribute="is_active")
    roles = fields.Function(lambda u: sorted({a.role for a in u.assignments}))
    assignments = fields.List(fields.Nested(RoleAssignmentSchema))
