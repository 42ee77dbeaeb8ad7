"""the day an instance is about (a meeting's date), projected for counts per year; which
instances completed a task, and what was entered at a task, by index

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Filled at each step from then on; the meeting counts read older instances' dates from
    # the audit trail while it is empty.
    with op.batch_alter_table('process_instances') as batch:
        batch.add_column(sa.Column('dated_on', sa.Date(), nullable=True))
    op.create_index('ix_process_instances_key_dated', 'process_instances',
                    ['process_key', 'dated_on'])
    op.create_index('ix_human_tasks_element_state', 'human_tasks',
                    ['element_id', 'state', 'instance_id'])
    op.create_index('ix_audit_events_task_id', 'audit_events', ['task_id'])


def downgrade() -> None:
    op.drop_index('ix_audit_events_task_id', table_name='audit_events')
    op.drop_index('ix_human_tasks_element_state', table_name='human_tasks')
    op.drop_index('ix_process_instances_key_dated', table_name='process_instances')
    with op.batch_alter_table('process_instances') as batch:
        batch.drop_column('dated_on')
