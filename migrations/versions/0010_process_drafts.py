"""drafts of process owners, and a change note on every version

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:20:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_definitions') as batch:
        batch.add_column(sa.Column('change_note', sa.Text(), nullable=True))
    op.create_table(
        'process_drafts',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('source_name', sa.String(length=300), nullable=False),
        sa.Column('bpmn_xml', sa.Text(), nullable=False),
        sa.Column('resources', sa.JSON(), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=150), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.Column('saved_by', sa.String(length=150), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('process_drafts')
    with op.batch_alter_table('process_definitions') as batch:
        batch.drop_column('change_note')
