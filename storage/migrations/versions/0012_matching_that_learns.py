"""Matching that learns: answers and per-person yes-rates

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('match_learning',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('said_yes', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('got_yes', sa.Integer(), nullable=False),
    sa.Column('got_answers', sa.Integer(), nullable=False),
    sa.Column('taste', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_match_learning_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_match_learning'))
    )
    op.create_table('match_population',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('said_yes', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('dates_learned_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_population'))
    )
    op.create_table('match_settings',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('behaviour_ranking', sa.Boolean(), nullable=False),
    sa.Column('importance', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_match_settings_account_id_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_match_settings'))
    )


def downgrade() -> None:
    op.drop_table('match_settings')
    op.drop_table('match_population')
    op.drop_table('match_learning')
