"""the forms of a draft, as the form editor saves them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'draft_forms',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.Column('saved_by', sa.String(length=150), nullable=False),
        sa.ForeignKeyConstraint(['key'], ['process_drafts.key'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('key', 'name'),
    )


def downgrade() -> None:
    op.drop_table('draft_forms')
