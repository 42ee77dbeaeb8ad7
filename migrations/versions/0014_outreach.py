"""mail to participants (outbox, preferences), their calendar feed, papers attached to tasks

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite cannot copy the users table that others refer to.
    op.add_column('users', sa.Column('language', sa.String(length=5), server_default='nl',
                                     nullable=False))
    op.add_column('users', sa.Column('digest_hour', sa.Integer(), server_default='8',
                                     nullable=False))
    op.add_column('users', sa.Column('calendar_token', sa.String(length=64), nullable=True))
    op.create_index('ix_users_calendar_token', 'users', ['calendar_token'], unique=True)
    op.create_table(
        'mail_preferences',
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), primary_key=True),
        sa.Column('kind', sa.String(length=20), primary_key=True),
        sa.Column('delivery', sa.String(length=10), nullable=False),
    )
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('username', sa.String(length=150), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('instance_id', sa.Integer(), sa.ForeignKey('process_instances.id'),
                  nullable=True),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('human_tasks.id'), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('send_after', sa.DateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('claim', sa.String(length=40), nullable=True),
        sa.Column('claimed_until', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('digest_id', sa.Integer(), sa.ForeignKey('outgoing_mail.id'), nullable=True),
        sa.Column('message_id', sa.String(length=200), nullable=False, unique=True),
    )
    op.create_index('ix_outgoing_mail_username', 'outgoing_mail', ['username'])
    op.create_index('ix_outgoing_mail_status_send_after', 'outgoing_mail',
                    ['status', 'send_after'])
    op.create_table(
        'calendar_events',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('instance_id', sa.Integer(), sa.ForeignKey('process_instances.id'),
                  nullable=False, unique=True),
        sa.Column('uid', sa.String(length=200), nullable=False, unique=True),
        sa.Column('scope', sa.String(length=200), nullable=True),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('location', sa.String(length=300), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('organizer', sa.String(length=150), nullable=True),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )
    op.create_index('ix_calendar_events_scope', 'calendar_events', ['scope'])
    op.create_table(
        'calendar_invitees',
        sa.Column('event_id', sa.Integer(), sa.ForeignKey('calendar_events.id'),
                  primary_key=True),
        sa.Column('username', sa.String(length=150), primary_key=True),
        sa.Column('guest', sa.Boolean(), nullable=False),
    )
    op.create_index('ix_calendar_invitees_username', 'calendar_invitees', ['username'])
    op.create_table(
        'stored_files',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('public_id', sa.String(length=40), nullable=False, unique=True),
        sa.Column('instance_id', sa.Integer(), sa.ForeignKey('process_instances.id'),
                  nullable=False),
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('human_tasks.id'), nullable=True),
        sa.Column('field', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=150), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.UniqueConstraint('instance_id', 'field', 'name', 'version'),
    )
    op.create_index('ix_stored_files_instance_id', 'stored_files', ['instance_id'])


def downgrade() -> None:
    op.drop_index('ix_stored_files_instance_id', table_name='stored_files')
    op.drop_table('stored_files')
    op.drop_index('ix_calendar_invitees_username', table_name='calendar_invitees')
    op.drop_table('calendar_invitees')
    op.drop_index('ix_calendar_events_scope', table_name='calendar_events')
    op.drop_table('calendar_events')
    op.drop_index('ix_outgoing_mail_status_send_after', table_name='outgoing_mail')
    op.drop_index('ix_outgoing_mail_username', table_name='outgoing_mail')
    op.drop_table('outgoing_mail')
    op.drop_table('mail_preferences')
    op.drop_index('ix_users_calendar_token', table_name='users')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('calendar_token')
        batch.drop_column('digest_hour')
        batch.drop_column('language')
