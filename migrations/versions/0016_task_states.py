"""the serialized state in parts: each task a row of its own, the specs once (state format 2)

A step then writes only the tasks it changed (engine/workflow_store.py). Every instance's
state is split here, by plain JSON, without SpiffWorkflow: format 1 is SpiffWorkflow's own
serialization in ``workflow_json``; format 2 keeps its attributes there, its specs in
``spec_json`` and its tasks in ``instance_task_states``.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 23:30:00.000000
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

BATCH = 200
TOP = ""

instances = sa.table('process_instances', sa.column('id', sa.Integer),
                     sa.column('state_format', sa.Integer), sa.column('workflow_json', sa.Text),
                     sa.column('spec_json', sa.Text))
task_states = sa.table('instance_task_states', sa.column('instance_id', sa.Integer),
                       sa.column('task_id', sa.String), sa.column('position', sa.Integer),
                       sa.column('workflow', sa.String), sa.column('body', sa.Text),
                       sa.column('archived', sa.Boolean))


def upgrade() -> None:
    op.create_table(
        'instance_task_states',
        sa.Column('instance_id', sa.Integer(),
                  sa.ForeignKey('process_instances.id', ondelete='CASCADE'), primary_key=True),
        sa.Column('task_id', sa.String(length=36), primary_key=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('workflow', sa.String(length=36), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('archived', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index('ix_instance_task_states_live', 'instance_task_states',
                    ['instance_id', 'position'], postgresql_where=sa.text('archived = false'),
                    sqlite_where=sa.text('archived = 0'))
    # Plain ADD COLUMN: SQLite would otherwise copy a table that others refer to.
    op.add_column('process_instances', sa.Column('spec_json', sa.Text(), nullable=True))
    op.add_column('process_instances', sa.Column('state_token', sa.String(length=32),
                                                 nullable=True))
    bind = op.get_bind()
    for instance_id, state in _states(bind, 1):
        attributes, specs, rows = split(json.loads(state))
        bind.execute(sa.insert(task_states), [{'instance_id': instance_id, **row}
                                              for row in rows])
        bind.execute(sa.update(instances).where(instances.c.id == instance_id).values(
            state_format=2, workflow_json=json.dumps(attributes), spec_json=json.dumps(specs)))


def downgrade() -> None:
    bind = op.get_bind()
    for instance_id, state in _states(bind, 2):
        specs = bind.execute(sa.select(instances.c.spec_json)
                             .where(instances.c.id == instance_id)).scalar_one()
        rows = bind.execute(sa.select(task_states.c.task_id, task_states.c.workflow,
                                      task_states.c.body)
                            .where(task_states.c.instance_id == instance_id,
                                   task_states.c.archived == sa.false())
                            .order_by(task_states.c.position)).all()
        whole = join(json.loads(state), json.loads(specs or '{}'), rows)
        bind.execute(sa.update(instances).where(instances.c.id == instance_id).values(
            state_format=1, workflow_json=json.dumps(whole)))
    op.drop_index('ix_instance_task_states_live', table_name='instance_task_states')
    op.drop_table('instance_task_states')
    # Plain DROP COLUMN (SQLite 3.35+), as the columns were added.
    op.drop_column('process_instances', 'state_token')
    op.drop_column('process_instances', 'spec_json')


def _states(bind: Any, state_format: int) -> Iterator[tuple[int, str]]:
    """(id, workflow_json) of every instance in ``state_format``, a batch at a time."""
    after = 0
    while True:
        batch = bind.execute(sa.select(instances.c.id, instances.c.workflow_json)
                             .where(instances.c.id > after,
                                    instances.c.state_format == state_format)
                             .order_by(instances.c.id).limit(BATCH)).all()
        if not batch:
            return
        yield from batch
        after = batch[-1][0]


def split(whole: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Format 1 → 2: the attributes, the specs and the task rows, in the order of the tasks."""
    specs = {'spec': whole.pop('spec'), 'subprocess_specs': whole.pop('subprocess_specs', {})}
    owners = [(TOP, whole), *whole.get('subprocesses', {}).items()]
    rows = []
    for owner, workflow in owners:
        for task_id, body in workflow.pop('tasks').items():
            rows.append({'task_id': task_id, 'position': len(rows), 'workflow': owner,
                         'body': json.dumps(body)})
    whole['next_position'] = len(rows)
    return whole, specs, rows


def join(attributes: dict[str, Any], specs: dict[str, Any], rows: Any) -> dict[str, Any]:
    """Format 2 → 1: the workflow a step runs (its archived history is left behind)."""
    attributes.pop('archived_subprocesses', None)
    attributes.pop('next_position', None)
    whole = {**attributes, **specs, 'tasks': {}}
    for sub in whole.get('subprocesses', {}).values():
        sub['tasks'] = {}
    for task_id, owner, body in rows:
        workflow = whole if owner == TOP else whole['subprocesses'][owner]
        workflow['tasks'][task_id] = json.loads(body)
    return whole
