"""timer schedules (one instance per occurrence of a timer start event), notifications,
the name of an instance's next timer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('timer_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=200), nullable=False),
    sa.Column('element_id', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('expression', sa.Text(), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=True),
    sa.Column('cycle', sa.JSON(), nullable=True),
    sa.Column('next_index', sa.Integer(), nullable=False),
    sa.Column('next_due_at', sa.DateTime(), nullable=True),
    sa.Column('last_occurrence_at', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definitions.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('process_key', 'element_id'),
    )
    op.create_index('ix_timer_schedules_next_due_at', 'timer_schedules', ['next_due_at'])
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('recipient', sa.String(length=150), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('scope', sa.String(length=200), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id']),
    sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id']),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notifications_created_at', 'notifications', ['created_at'])
    op.create_index('ix_notifications_recipient', 'notifications', ['recipient'])
    op.create_index('ix_notifications_role', 'notifications', ['role'])
    op.create_index('ix_notifications_instance_id', 'notifications', ['instance_id'])
    with op.batch_alter_table('process_instances') as batch:
        batch.add_column(sa.Column('next_timer_name', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_instances') as batch:
        batch.drop_column('next_timer_name')
    op.drop_table('notifications')
    op.drop_index('ix_timer_schedules_next_due_at', table_name='timer_schedules')
    op.drop_table('timer_schedules')
