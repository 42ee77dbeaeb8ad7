"""attempt counts: sign-in attempts per address, address and username, and username, in fixed
windows shared by every web process

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attempt_counts',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'window_start'),
    )
    op.create_index('ix_attempt_counts_expires_at', 'attempt_counts', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_attempt_counts_expires_at', table_name='attempt_counts')
    op.drop_table('attempt_counts')
