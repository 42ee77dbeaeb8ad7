"""indexes of the managers' overview: cycles per process and year, open work by deadline

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Per process, newest first: the overview's order, read in index order.
    op.create_index('ix_process_instances_key_started', 'process_instances',
                    ['process_key', sa.text('started_at DESC'), sa.text('id DESC')])
    # A year's counts per status from the index alone (PostgreSQL's INCLUDE).
    op.create_index('ix_process_instances_started', 'process_instances', ['started_at'],
                    postgresql_include=['scope', 'status', 'id'])
    op.create_index('ix_human_tasks_instance_state', 'human_tasks', ['instance_id', 'state'])
    # Late work: open tasks by deadline, with their instance.
    op.create_index('ix_human_tasks_state_due', 'human_tasks', ['state', 'due_at'],
                    postgresql_include=['instance_id'])


def downgrade() -> None:
    op.drop_index('ix_human_tasks_state_due', table_name='human_tasks')
    op.drop_index('ix_human_tasks_instance_state', table_name='human_tasks')
    op.drop_index('ix_process_instances_started', table_name='process_instances')
    op.drop_index('ix_process_instances_key_started', table_name='process_instances')
