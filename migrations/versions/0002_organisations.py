"""organisations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('sub_region', sa.String(length=60), nullable=True),
    sa.Column('is_partner', sa.Boolean(), nullable=False),
    sa.Column('admitted_on', sa.Date(), nullable=True),
    sa.Column('stamtafel_administrator', sa.String(length=300), nullable=True),
    sa.Column('adviser', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('organisations')
