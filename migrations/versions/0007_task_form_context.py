"""what a task's form shows when it opens: choices and values taken from the task data

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.add_column(sa.Column('form_context', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.drop_column('form_context')
