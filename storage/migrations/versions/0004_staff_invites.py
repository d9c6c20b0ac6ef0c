"""Staff invites: one-time codes (kept as a blind index) that make their user a staff member

Revision ID: 0004_staff_invites
Revises: 0003_matching
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_staff_invites'
down_revision: str | None = '0003_matching'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('staff_invites',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code_index', sa.LargeBinary(length=32), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("role IN ('owner', 'manager', 'counselor', 'customer_service', 'finance')", name=op.f('ck_staff_invites_role')),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_staff_invites_created_by_accounts')),
    sa.ForeignKeyConstraint(['used_by'], ['accounts.id'], name=op.f('fk_staff_invites_used_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_invites')),
    sa.UniqueConstraint('code_index', name=op.f('uq_staff_invites_code_index'))
    )
    with op.batch_alter_table('staff_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_invites_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_invites_used_by'), ['used_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_invites_used_by'))
        batch_op.drop_index(batch_op.f('ix_staff_invites_created_by'))

    op.drop_table('staff_invites')
