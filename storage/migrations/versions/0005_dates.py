"""Dates: proposals with counter-proposals, confirmed dates, reminders' bookkeeping and feedback

Revision ID: 0005_dates
Revises: 0004_staff_invites
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0005_dates'
down_revision: str | None = '0004_staff_invites'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('dates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('introduction_id', sa.Uuid(), nullable=False),
    sa.Column('first_id', sa.Uuid(), nullable=False),
    sa.Column('second_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('proposed_by', sa.Uuid(), nullable=False),
    sa.Column('slots', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('venue_code', sa.String(length=48), nullable=True),
    sa.Column('venue_text', sa.LargeBinary(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('late_cancellation', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('proposed', 'confirmed', 'withdrawn', 'cancelled')", name=op.f('ck_dates_state')),
    sa.CheckConstraint('first_id <> second_id', name=op.f('ck_dates_two_people')),
    sa.ForeignKeyConstraint(['cancelled_by'], ['accounts.id'], name=op.f('fk_dates_cancelled_by_accounts')),
    sa.ForeignKeyConstraint(['first_id'], ['accounts.id'], name=op.f('fk_dates_first_id_accounts')),
    sa.ForeignKeyConstraint(['introduction_id'], ['introductions.id'], name=op.f('fk_dates_introduction_id_introductions')),
    sa.ForeignKeyConstraint(['proposed_by'], ['accounts.id'], name=op.f('fk_dates_proposed_by_accounts')),
    sa.ForeignKeyConstraint(['second_id'], ['accounts.id'], name=op.f('fk_dates_second_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dates'))
    )
    with op.batch_alter_table('dates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dates_cancelled_by'), ['cancelled_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_dates_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dates_introduction_id'), ['introduction_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dates_proposed_by'), ['proposed_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_dates_second_id'), ['second_id'], unique=False)
        batch_op.create_index('ix_dates_state_starts_at', ['state', 'starts_at'], unique=False)

    op.create_table('date_feedback',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('date_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('about_id', sa.Uuid(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('meet_again', sa.Boolean(), nullable=True),
    sa.Column('comment', sa.LargeBinary(), nullable=True),
    sa.Column('complaint', sa.Boolean(), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('nudged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_date_feedback_rating')),
    sa.ForeignKeyConstraint(['about_id'], ['accounts.id'], name=op.f('fk_date_feedback_about_id_accounts')),
    sa.ForeignKeyConstraint(['author_id'], ['accounts.id'], name=op.f('fk_date_feedback_author_id_accounts')),
    sa.ForeignKeyConstraint(['date_id'], ['dates.id'], name=op.f('fk_date_feedback_date_id_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_date_feedback')),
    sa.UniqueConstraint('date_id', 'author_id', name=op.f('uq_date_feedback_date_id_author_id'))
    )
    with op.batch_alter_table('date_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_date_feedback_about_id'), ['about_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_date_feedback_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_date_feedback_date_id'), ['date_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('date_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_date_feedback_date_id'))
        batch_op.drop_index(batch_op.f('ix_date_feedback_author_id'))
        batch_op.drop_index(batch_op.f('ix_date_feedback_about_id'))

    op.drop_table('date_feedback')
    with op.batch_alter_table('dates', schema=None) as batch_op:
        batch_op.drop_index('ix_dates_state_starts_at')
        batch_op.drop_index(batch_op.f('ix_dates_second_id'))
        batch_op.drop_index(batch_op.f('ix_dates_proposed_by'))
        batch_op.drop_index(batch_op.f('ix_dates_introduction_id'))
        batch_op.drop_index(batch_op.f('ix_dates_first_id'))
        batch_op.drop_index(batch_op.f('ix_dates_cancelled_by'))

    op.drop_table('dates')
