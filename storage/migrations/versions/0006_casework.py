"""Casework: client assignments and follow-ups, notes, handoffs, their alerts and the relay transcript

Revision ID: 0006_casework
Revises: 0005_dates
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_casework'
down_revision: str | None = '0005_dates'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('client_assignments',
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('counselor_id', sa.Uuid(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_by', sa.Uuid(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by'], ['accounts.id'], name=op.f('fk_client_assignments_assigned_by_accounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_client_assignments_client_id_accounts')),
    sa.ForeignKeyConstraint(
        ['counselor_id'], ['accounts.id'], name=op.f('fk_client_assignments_counselor_id_accounts')
    ),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_client_assignments'))
    )
    with op.batch_alter_table('client_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_assignments_assigned_by'), ['assigned_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_assignments_counselor_id'), ['counselor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_assignments_follow_up_on'), ['follow_up_on'], unique=False)

    op.create_table('client_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_client_notes_author_id_accounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_client_notes_client_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_notes'))
    )
    with op.batch_alter_table('client_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_notes_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_notes_client_id'), ['client_id'], unique=False)

    op.create_table('handoffs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('counselor_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('widened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('managers_told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "reason IN ('asked', 'not_understood', 'low_rating', 'complaint', 'payment')", name=op.f('ck_handoffs_reason')
    ),
    sa.CheckConstraint("state IN ('open', 'claimed', 'closed')", name=op.f('ck_handoffs_state')),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_handoffs_rating')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_handoffs_client_id_accounts')),
    sa.ForeignKeyConstraint(['counselor_id'], ['accounts.id'], name=op.f('fk_handoffs_counselor_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoffs'))
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoffs_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoffs_counselor_id'), ['counselor_id'], unique=False)
        batch_op.create_index('ix_handoffs_state_created_at', ['state', 'created_at'], unique=False)

    op.create_table('handoff_alerts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('handoff_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('recipient_id', sa.Uuid(), nullable=True),
    sa.Column('outbox_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_handoff_alerts_client_id_accounts')),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_alerts_handoff_id_handoffs')),
    sa.ForeignKeyConstraint(['recipient_id'], ['accounts.id'], name=op.f('fk_handoff_alerts_recipient_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_alerts'))
    )
    with op.batch_alter_table('handoff_alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_alerts_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_alerts_handoff_id'), ['handoff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_alerts_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('relay_messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('handoff_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('from_client', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('text', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_relay_messages_author_id_accounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_relay_messages_client_id_accounts')),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_relay_messages_handoff_id_handoffs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relay_messages'))
    )
    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relay_messages_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relay_messages_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relay_messages_handoff_id'), ['handoff_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('relay_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relay_messages_handoff_id'))
        batch_op.drop_index(batch_op.f('ix_relay_messages_client_id'))
        batch_op.drop_index(batch_op.f('ix_relay_messages_author_id'))

    op.drop_table('relay_messages')
    with op.batch_alter_table('handoff_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_alerts_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_handoff_alerts_handoff_id'))
        batch_op.drop_index(batch_op.f('ix_handoff_alerts_client_id'))

    op.drop_table('handoff_alerts')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('ix_handoffs_state_created_at')
        batch_op.drop_index(batch_op.f('ix_handoffs_counselor_id'))
        batch_op.drop_index(batch_op.f('ix_handoffs_client_id'))

    op.drop_table('handoffs')
    with op.batch_alter_table('client_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_notes_client_id'))
        batch_op.drop_index(batch_op.f('ix_client_notes_author_id'))

    op.drop_table('client_notes')
    with op.batch_alter_table('client_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_assignments_follow_up_on'))
        batch_op.drop_index(batch_op.f('ix_client_assignments_counselor_id'))
        batch_op.drop_index(batch_op.f('ix_client_assignments_assigned_by'))

    op.drop_table('client_assignments')
