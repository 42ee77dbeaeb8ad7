"""the inbox's indexes: open tasks newest first, of any role and of one

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.create_index('ix_human_tasks_open_created', 'human_tasks', ['created_at', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_human_tasks_open_role', 'human_tasks', ['role', 'created_at', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_human_tasks_open_role', table_name='human_tasks')
    op.drop_index('ix_human_tasks_open_created', table_name='human_tasks')
