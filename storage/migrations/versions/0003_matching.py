"""Matching: suggestions, introductions, reports, case stages; demo accounts

Revision ID: 0003_matching
Revises: 0002_delivery
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0003_matching'
down_revision: str | None = '0002_delivery'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('case_stages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('cause', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stage IN ('new', 'profile_complete', 'recommending', 'introduced', 'met', 'dating', 'meeting_families', 'engaged_or_married', 'closed')", name=op.f('ck_case_stages_stage')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_case_stages_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_stages'))
    )
    with op.batch_alter_table('case_stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_stages_account_id'), ['account_id'], unique=False)

    op.create_table('introductions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('first_id', sa.Uuid(), nullable=False),
    sa.Column('second_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('first_shares_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('second_shares_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('connected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('awaiting', 'connected', 'declined')", name=op.f('ck_introductions_state')),
    sa.CheckConstraint('first_id <> second_id', name=op.f('ck_introductions_two_people')),
    sa.ForeignKeyConstraint(['first_id'], ['accounts.id'], name=op.f('fk_introductions_first_id_accounts')),
    sa.ForeignKeyConstraint(['second_id'], ['accounts.id'], name=op.f('fk_introductions_second_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introductions')),
    sa.UniqueConstraint('first_id', 'second_id', name=op.f('uq_introductions_first_id_second_id'))
    )
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introductions_first_id'), ['first_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introductions_second_id'), ['second_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reporter_id', sa.Uuid(), nullable=False),
    sa.Column('reported_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.LargeBinary(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('fake', 'offensive', 'scam', 'other')", name=op.f('ck_reports_reason')),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_reports_state')),
    sa.ForeignKeyConstraint(['reported_id'], ['accounts.id'], name=op.f('fk_reports_reported_id_accounts')),
    sa.ForeignKeyConstraint(['reporter_id'], ['accounts.id'], name=op.f('fk_reports_reporter_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_reported_id'), ['reported_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_state'), ['state'], unique=False)

    op.create_table('suggestions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('asker_id', sa.Uuid(), nullable=False),
    sa.Column('candidate_id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('offered_on', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('interested', 'passed', 'reported')", name=op.f('ck_suggestions_decision')),
    sa.CheckConstraint("source IN ('counselor', 'interest', 'matcher')", name=op.f('ck_suggestions_source')),
    sa.CheckConstraint('asker_id <> candidate_id', name=op.f('ck_suggestions_not_self')),
    sa.ForeignKeyConstraint(['asker_id'], ['accounts.id'], name=op.f('fk_suggestions_asker_id_accounts')),
    sa.ForeignKeyConstraint(['candidate_id'], ['accounts.id'], name=op.f('fk_suggestions_candidate_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestions')),
    sa.UniqueConstraint('asker_id', 'candidate_id', name=op.f('uq_suggestions_asker_id_candidate_id'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestions_asker_id'), ['asker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('ix_suggestions_offered_on_candidate_id', ['offered_on', 'candidate_id'], unique=False)

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('demo', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_column('demo')

    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_offered_on_candidate_id')
        batch_op.drop_index(batch_op.f('ix_suggestions_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_suggestions_asker_id'))

    op.drop_table('suggestions')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_state'))
        batch_op.drop_index(batch_op.f('ix_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_reports_reported_id'))

    op.drop_table('reports')
    with op.batch_alter_table('introductions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introductions_second_id'))
        batch_op.drop_index(batch_op.f('ix_introductions_first_id'))

    op.drop_table('introductions')
    with op.batch_alter_table('case_stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_stages_account_id'))

    op.drop_table('case_stages')
