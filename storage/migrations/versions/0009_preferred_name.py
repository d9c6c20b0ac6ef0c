"""Preferred name: what a client likes to be called, asked in the intake, sealed like the name

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('client_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preferred_name', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('client_profiles', schema=None) as batch_op:
        batch_op.drop_column('preferred_name')
