"""Hiring

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('hiring_positions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(
        "role IN ('counselor', 'customer_service', 'finance', 'manager')", name=op.f('ck_hiring_positions_role')
    ),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_hiring_positions_state')),
    sa.CheckConstraint('headcount >= 1', name=op.f('ck_hiring_positions_headcount')),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_hiring_positions_created_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hiring_positions')),
    sa.UniqueConstraint('code', name=op.f('uq_hiring_positions_code'))
    )
    with op.batch_alter_table('hiring_positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hiring_positions_created_by'), ['created_by'], unique=False)

    op.create_table('hiring_candidates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('position_id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('name', sa.LargeBinary(), nullable=False),
    sa.Column('phone', sa.LargeBinary(), nullable=False),
    sa.Column('experience', sa.LargeBinary(), nullable=False),
    sa.Column('motivation', sa.LargeBinary(), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('invite_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint(
        "stage IN ('applied', 'interview', 'offer', 'hired', 'declined')", name=op.f('ck_hiring_candidates_stage')
    ),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hiring_candidates_account_id_accounts')),
    sa.ForeignKeyConstraint(
        ['invite_id'], ['staff_invites.id'], name=op.f('fk_hiring_candidates_invite_id_staff_invites')
    ),
    sa.ForeignKeyConstraint(
        ['position_id'], ['hiring_positions.id'], name=op.f('fk_hiring_candidates_position_id_hiring_positions')
    ),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hiring_candidates')),
    sa.UniqueConstraint('position_id', 'account_id', name=op.f('uq_hiring_candidates_position_id_account_id'))
    )
    with op.batch_alter_table('hiring_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hiring_candidates_account_id'), ['account_id'], unique=False)
        batch_op.create_index('ix_hiring_candidates_position_id_stage', ['position_id', 'stage'], unique=False)

    op.create_table('hiring_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "kind IN ('applied', 'moved', 'declined', 'hired', 'note')", name=op.f('ck_hiring_events_kind')
    ),
    sa.CheckConstraint(
        "stage IS NULL OR stage IN ('applied', 'interview', 'offer', 'hired', 'declined')",
        name=op.f('ck_hiring_events_stage'),
    ),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_hiring_events_account_id_accounts')),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_hiring_events_actor_id_accounts')),
    sa.ForeignKeyConstraint(
        ['candidate_id'], ['hiring_candidates.id'], name=op.f('fk_hiring_events_candidate_id_hiring_candidates')
    ),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hiring_events'))
    )
    with op.batch_alter_table('hiring_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hiring_events_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hiring_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hiring_events_candidate_id'), ['candidate_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('hiring_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hiring_events_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_hiring_events_actor_id'))
        batch_op.drop_index(batch_op.f('ix_hiring_events_account_id'))

    op.drop_table('hiring_events')
    with op.batch_alter_table('hiring_candidates', schema=None) as batch_op:
        batch_op.drop_index('ix_hiring_candidates_position_id_stage')
        batch_op.drop_index(batch_op.f('ix_hiring_candidates_account_id'))

    op.drop_table('hiring_candidates')
    with op.batch_alter_table('hiring_positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hiring_positions_created_by'))

    op.drop_table('hiring_positions')
