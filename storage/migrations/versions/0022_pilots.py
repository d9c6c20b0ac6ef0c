"""Pilots of flow changes: pilots and the arm of each client taking part

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pilots',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('flag', sa.String(length=32), nullable=False),
    sa.Column('metric', sa.String(length=32), nullable=False),
    sa.Column('share', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.Uuid(), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("flag IN ('more_suggestions', 'follow_up_call')", name=op.f('ck_pilots_flag')),
    sa.CheckConstraint("metric IN ('introduced_7d', 'days_to_introduction')", name=op.f('ck_pilots_metric')),
    sa.CheckConstraint("state IN ('running', 'rolled_out', 'stopped')", name=op.f('ck_pilots_state')),
    sa.CheckConstraint('share BETWEEN 1 AND 90', name=op.f('ck_pilots_share')),
    sa.ForeignKeyConstraint(['started_by'], ['accounts.id'], name=op.f('fk_pilots_started_by_accounts')),
    sa.ForeignKeyConstraint(['ended_by'], ['accounts.id'], name=op.f('fk_pilots_ended_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilots'))
    )
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.create_index('ix_pilots_state', ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_started_by'), ['started_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_pilots_ended_by'), ['ended_by'], unique=False)

    op.create_table('pilot_assignments',
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('arm', sa.String(length=8), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("arm IN ('pilot', 'control')", name=op.f('ck_pilot_assignments_arm')),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_assignments_pilot_id_pilots')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_pilot_assignments_client_id_accounts')),
    sa.PrimaryKeyConstraint('pilot_id', 'client_id', name=op.f('pk_pilot_assignments'))
    )


def downgrade() -> None:
    op.drop_table('pilot_assignments')
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilots_ended_by'))
        batch_op.drop_index(batch_op.f('ix_pilots_started_by'))
        batch_op.drop_index('ix_pilots_state')
    op.drop_table('pilots')
