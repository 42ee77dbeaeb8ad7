"""the four-eyes elements of a human task, so that the inbox can leave such tasks out

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 15:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.add_column(sa.Column('separate_from', sa.String(length=400), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.drop_column('separate_from')
