"""one model of body membership: body roles are held for a body, body-specific role names
stand for a body role of one body

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00.000000

A role such as "Lid DVO" now means the body role "Lid" held for the body "dvo"; assignments
of such a name are rewritten to that form, so that every membership is stored one way.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The body roles, and the names that stood for one of them in one body, as of this revision.
BODY_ROLES = ('Voorzitter', 'Secretaris', 'Lid')
NAMES_OF_ONE_BODY = {
    'Lid DVO': ('Lid', 'dvo'),
    'Voorzitter DVO': ('Voorzitter', 'dvo'),
    'Lid Stamtafel': ('Lid', 'stamtafel'),
    'Voorzitter Stamtafel': ('Voorzitter', 'stamtafel'),
    'Lid VvG Veilig Thuis': ('Lid', 'vvg_veilig_thuis'),
}

roles = sa.table('roles', sa.column('name', sa.String), sa.column('description', sa.Text),
                 sa.column('needs_scope', sa.Boolean), sa.column('base_role', sa.String),
                 sa.column('fixed_scope', sa.String))
assignments = sa.table('role_assignments', sa.column('role', sa.String),
                       sa.column('scope', sa.String))


def upgrade() -> None:
    # Plain ADD COLUMN, also on SQLite: rebuilding "roles" would trip the foreign keys of the
    # role assignments that point at it.
    op.add_column('roles', sa.Column('needs_scope', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('roles', sa.Column('base_role', sa.String(length=200), nullable=True))
    op.add_column('roles', sa.Column('fixed_scope', sa.String(length=200), nullable=True))
    connection = op.get_bind()
    known = set(connection.scalars(sa.select(roles.c.name)))
    for name in BODY_ROLES:
        if name in known:
            op.execute(roles.update().where(roles.c.name == name).values(needs_scope=True))
    for name, (base, body) in NAMES_OF_ONE_BODY.items():
        if name not in known:
            continue
        if base not in known:
            op.execute(roles.insert().values(name=base, needs_scope=True))
            known.add(base)
        op.execute(roles.update().where(roles.c.name == name)
                   .values(base_role=base, fixed_scope=body))
        op.execute(assignments.update().where(assignments.c.role == name)
                   .values(role=base, scope=body))


def downgrade() -> None:
    with op.batch_alter_table('roles') as batch:
        batch.drop_column('fixed_scope')
        batch.drop_column('base_role')
        batch.drop_column('needs_scope')
