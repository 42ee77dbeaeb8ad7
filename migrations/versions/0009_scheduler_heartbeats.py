"""when each scheduler last completed a run (for /health)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 20:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scheduler_heartbeats',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('last_completed_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    op.create_index('ix_scheduler_heartbeats_last_completed_at', 'scheduler_heartbeats',
                    ['last_completed_at'])


def downgrade() -> None:
    op.drop_index('ix_scheduler_heartbeats_last_completed_at', 'scheduler_heartbeats')
    op.drop_table('scheduler_heartbeats')
