"""Quality supervision: complaints, report moderation, penalties, surveys

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('owner', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('about_id', sa.Uuid(), nullable=True),
    sa.Column('ref_id', sa.Uuid(), nullable=True),
    sa.Column('text', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_response_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolution_due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('handler_id', sa.Uuid(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('satisfied', sa.Boolean(), nullable=True),
    sa.CheckConstraint(
        "source IN ('complain', 'report', 'date_feedback', 'handoff_rating', 'survey')",
        name=op.f('ck_complaints_source'),
    ),
    sa.CheckConstraint(
        "category IN ('staff', 'client', 'service', 'fees', 'suggestion')", name=op.f('ck_complaints_category')
    ),
    sa.CheckConstraint("severity IN ('low', 'normal', 'high', 'urgent')", name=op.f('ck_complaints_severity')),
    sa.CheckConstraint("owner IN ('customer_service', 'manager')", name=op.f('ck_complaints_owner')),
    sa.CheckConstraint("state IN ('open', 'in_progress', 'resolved')", name=op.f('ck_complaints_state')),
    sa.CheckConstraint(
        "outcome IS NULL OR outcome IN ('upheld', 'partly_upheld', 'not_upheld', 'noted')",
        name=op.f('ck_complaints_outcome'),
    ),
    sa.ForeignKeyConstraint(['about_id'], ['accounts.id'], name=op.f('fk_complaints_about_id_accounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_complaints_client_id_accounts')),
    sa.ForeignKeyConstraint(['handler_id'], ['accounts.id'], name=op.f('fk_complaints_handler_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_about_id'), ['about_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index('ix_complaints_state_created_at', ['state', 'created_at'], unique=False)

    op.create_table('complaint_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(
        "kind IN ('opened', 'responded', 'escalated', 'resolved', 'satisfied', 'unsatisfied')",
        name=op.f('ck_complaint_events_kind'),
    ),
    sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_complaint_events_actor_id_accounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_complaint_events_client_id_accounts')),
    sa.ForeignKeyConstraint(
        ['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_events_complaint_id_complaints')
    ),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_events'))
    )
    with op.batch_alter_table('complaint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_events_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_events_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_events_complaint_id'), ['complaint_id'], unique=False)

    op.create_table('client_blocks',
    sa.Column('blocker_id', sa.Uuid(), nullable=False),
    sa.Column('blocked_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['blocked_id'], ['accounts.id'], name=op.f('fk_client_blocks_blocked_id_accounts')),
    sa.ForeignKeyConstraint(['blocker_id'], ['accounts.id'], name=op.f('fk_client_blocks_blocker_id_accounts')),
    sa.PrimaryKeyConstraint('blocker_id', 'blocked_id', name=op.f('pk_client_blocks'))
    )
    op.create_table('profile_moderation',
    sa.Column('account_id', sa.Uuid(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('hidden_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("state IN ('clear', 'warned', 'hidden', 'suspended')", name=op.f('ck_profile_moderation_state')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_profile_moderation_account_id_accounts')),
    sa.ForeignKeyConstraint(['updated_by'], ['accounts.id'], name=op.f('fk_profile_moderation_updated_by_accounts')),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_profile_moderation'))
    )
    with op.batch_alter_table('profile_moderation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_moderation_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_moderation_updated_by'), ['updated_by'], unique=False)

    op.create_table('staff_penalties',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=False),
    sa.Column('complaint_id', sa.Uuid(), nullable=True),
    sa.Column('audit_id', sa.Uuid(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('issued_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('appeal', sa.LargeBinary(), nullable=True),
    sa.Column('appealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appeal_decision', sa.String(length=8), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint(
        "(kind = 'fine') = (amount_minor IS NOT NULL AND amount_minor > 0)", name=op.f('ck_staff_penalties_fine')
    ),
    sa.CheckConstraint(
        "appeal_decision IS NULL OR appeal_decision IN ('kept', 'lifted')",
        name=op.f('ck_staff_penalties_appeal_decision'),
    ),
    sa.CheckConstraint("kind IN ('warning', 'fine', 'suspension', 'dismissal')", name=op.f('ck_staff_penalties_kind')),
    sa.ForeignKeyConstraint(
        ['complaint_id'], ['complaints.id'], name=op.f('fk_staff_penalties_complaint_id_complaints')
    ),
    sa.ForeignKeyConstraint(['decided_by'], ['accounts.id'], name=op.f('fk_staff_penalties_decided_by_accounts')),
    sa.ForeignKeyConstraint(['issued_by'], ['accounts.id'], name=op.f('fk_staff_penalties_issued_by_accounts')),
    sa.ForeignKeyConstraint(['staff_id'], ['accounts.id'], name=op.f('fk_staff_penalties_staff_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_penalties'))
    )
    with op.batch_alter_table('staff_penalties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_penalties_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_penalties_decided_by'), ['decided_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_penalties_issued_by'), ['issued_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_penalties_staff_id'), ['staff_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('counselor_id', sa.Uuid(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('nps', sa.Integer(), nullable=True),
    sa.Column('counselor_score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.LargeBinary(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('complaint_id', sa.Uuid(), nullable=True),
    sa.CheckConstraint(
        'counselor_score IS NULL OR counselor_score BETWEEN 1 AND 5', name=op.f('ck_survey_responses_counselor_score')
    ),
    sa.CheckConstraint('nps IS NULL OR nps BETWEEN 0 AND 10', name=op.f('ck_survey_responses_nps')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_survey_responses_client_id_accounts')),
    sa.ForeignKeyConstraint(
        ['complaint_id'], ['complaints.id'], name=op.f('fk_survey_responses_complaint_id_complaints')
    ),
    sa.ForeignKeyConstraint(['counselor_id'], ['accounts.id'], name=op.f('fk_survey_responses_counselor_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('client_id', 'month', name=op.f('uq_survey_responses_client_id_month'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_counselor_id'), ['counselor_id'], unique=False)
        batch_op.create_index('ix_survey_responses_month', ['month'], unique=False)


def downgrade() -> None:
    op.drop_table('survey_responses')
    op.drop_table('staff_penalties')
    op.drop_table('profile_moderation')
    op.drop_table('client_blocks')
    op.drop_table('complaint_events')
    op.drop_table('complaints')
