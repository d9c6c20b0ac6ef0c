"""Offline events: events, sign-ups (seats, waitlist, check-in, late cancellation, no-shows, rating) and picks

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('title_en', sa.String(length=80), nullable=False),
    sa.Column('title_zh', sa.String(length=80), nullable=False),
    sa.Column('about_en', sa.Text(), nullable=False),
    sa.Column('about_zh', sa.Text(), nullable=False),
    sa.Column('venue_code', sa.String(length=48), nullable=True),
    sa.Column('venue_text', sa.String(length=200), nullable=True),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('capacity_men', sa.Integer(), nullable=True),
    sa.Column('capacity_women', sa.Integer(), nullable=True),
    sa.Column('capacity_total', sa.Integer(), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=False),
    sa.Column('age_max', sa.Integer(), nullable=False),
    sa.Column('tiers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('prices', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('published', 'cancelled')", name=op.f('ck_events_state')),
    sa.CheckConstraint('(capacity_total IS NULL AND capacity_men IS NOT NULL AND capacity_women IS NOT NULL) OR (capacity_total IS NOT NULL AND capacity_men IS NULL AND capacity_women IS NULL)', name=op.f('ck_events_capacity')),
    sa.CheckConstraint('age_min <= age_max', name=op.f('ck_events_ages')),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_events_created_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_created_by'), ['created_by'], unique=False)
        batch_op.create_index('ix_events_state_starts_at', ['state', 'starts_at'], unique=False)

    op.create_table('event_signups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('late_cancellation', sa.Boolean(), nullable=False),
    sa.Column('checkin_code', sa.LargeBinary(), nullable=True),
    sa.Column('checkin_index', sa.LargeBinary(length=32), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('no_show', sa.Boolean(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_event_signups_rating')),
    sa.CheckConstraint("side IN ('male', 'female', 'open')", name=op.f('ck_event_signups_side')),
    sa.CheckConstraint("state IN ('confirmed', 'waitlisted', 'cancelled')", name=op.f('ck_event_signups_state')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_event_signups_client_id_accounts')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_signups_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_signups')),
    sa.UniqueConstraint('checkin_index', name=op.f('uq_event_signups_checkin_index')),
    sa.UniqueConstraint('event_id', 'client_id', name=op.f('uq_event_signups_event_id_client_id'))
    )
    with op.batch_alter_table('event_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_signups_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_signups_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_event_signups_event_state', ['event_id', 'state', 'side'], unique=False)

    op.create_table('event_picks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('picker_id', sa.Uuid(), nullable=False),
    sa.Column('picked_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('picker_id <> picked_id', name=op.f('ck_event_picks_two_people')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_picks_event_id_events')),
    sa.ForeignKeyConstraint(['picked_id'], ['accounts.id'], name=op.f('fk_event_picks_picked_id_accounts')),
    sa.ForeignKeyConstraint(['picker_id'], ['accounts.id'], name=op.f('fk_event_picks_picker_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_picks')),
    sa.UniqueConstraint('event_id', 'picker_id', 'picked_id', name=op.f('uq_event_picks_event_id_picker_id_picked_id'))
    )
    with op.batch_alter_table('event_picks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_picks_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_picks_picked_id'), ['picked_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_picks_picker_id'), ['picker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event_picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_picks_picker_id'))
        batch_op.drop_index(batch_op.f('ix_event_picks_picked_id'))
        batch_op.drop_index(batch_op.f('ix_event_picks_event_id'))

    op.drop_table('event_picks')
    with op.batch_alter_table('event_signups', schema=None) as batch_op:
        batch_op.drop_index('ix_event_signups_event_state')
        batch_op.drop_index(batch_op.f('ix_event_signups_event_id'))
        batch_op.drop_index(batch_op.f('ix_event_signups_client_id'))

    op.drop_table('event_signups')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_state_starts_at')
        batch_op.drop_index(batch_op.f('ix_events_created_by'))

    op.drop_table('events')
