"""Commissions and teams: the commission rules (their history), monthly statements and their lines, team
members; the team lead role in the staff and invite role checks

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ROLES = "role IN ('owner', 'manager', 'counselor', 'customer_service', 'finance')"
NEW_ROLES = "role IN ('owner', 'manager', 'counselor', 'customer_service', 'finance', 'team_lead')"
ROLE_TABLES = ('staff_members', 'staff_invites')


def _role_check(check: str) -> None:
    for table in ROLE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_role'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_role'), check)


def upgrade() -> None:
    _role_check(NEW_ROLES)
    op.create_table('commission_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("outcome IN ('paid_membership', 'introduction', 'dating')", name=op.f('ck_commission_rules_outcome')),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_commission_rules_tier')),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_commission_rules_amount')),
    sa.ForeignKeyConstraint(['set_by'], ['accounts.id'], name=op.f('fk_commission_rules_set_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_rules'))
    )
    op.create_index('ix_commission_rules_lookup', 'commission_rules', ['outcome', 'tier', 'currency', 'valid_from'], unique=False)
    op.create_index(op.f('ix_commission_rules_set_by'), 'commission_rules', ['set_by'], unique=False)
    op.create_table('team_members',
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('lead_id', sa.Uuid(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['added_by'], ['accounts.id'], name=op.f('fk_team_members_added_by_accounts')),
    sa.ForeignKeyConstraint(['lead_id'], ['accounts.id'], name=op.f('fk_team_members_lead_id_accounts')),
    sa.ForeignKeyConstraint(['member_id'], ['accounts.id'], name=op.f('fk_team_members_member_id_accounts')),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_team_members'))
    )
    op.create_index(op.f('ix_team_members_added_by'), 'team_members', ['added_by'], unique=False)
    op.create_index(op.f('ix_team_members_lead_id'), 'team_members', ['lead_id'], unique=False)
    op.create_table('commission_statements',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('counselor_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.Uuid(), nullable=True),
    sa.Column('ledger_entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("(state = 'approved') = (approved_at IS NOT NULL)", name=op.f('ck_commission_statements_approval')),
    sa.CheckConstraint("state IN ('draft', 'approved')", name=op.f('ck_commission_statements_state')),
    sa.CheckConstraint('total_minor >= 0', name=op.f('ck_commission_statements_total')),
    sa.ForeignKeyConstraint(['approved_by'], ['accounts.id'], name=op.f('fk_commission_statements_approved_by_accounts')),
    sa.ForeignKeyConstraint(['counselor_id'], ['accounts.id'], name=op.f('fk_commission_statements_counselor_id_accounts')),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['ledger_entries.id'], name=op.f('fk_commission_statements_ledger_entry_id_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_statements')),
    sa.UniqueConstraint('counselor_id', 'month', 'currency', name=op.f('uq_commission_statements_counselor_id_month_currency')),
    sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_commission_statements_ledger_entry_id'))
    )
    op.create_index(op.f('ix_commission_statements_approved_by'), 'commission_statements', ['approved_by'], unique=False)
    op.create_index(op.f('ix_commission_statements_counselor_id'), 'commission_statements', ['counselor_id'], unique=False)
    op.create_index(op.f('ix_commission_statements_month'), 'commission_statements', ['month'], unique=False)
    op.create_table('commission_lines',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('statement_id', sa.Uuid(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('rule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint("outcome IN ('paid_membership', 'introduction', 'dating')", name=op.f('ck_commission_lines_outcome')),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_commission_lines_tier')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_commission_lines_amount')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_commission_lines_client_id_accounts')),
    sa.ForeignKeyConstraint(['rule_id'], ['commission_rules.id'], name=op.f('fk_commission_lines_rule_id_commission_rules')),
    sa.ForeignKeyConstraint(['statement_id'], ['commission_statements.id'], name=op.f('fk_commission_lines_statement_id_commission_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_lines')),
    sa.UniqueConstraint('outcome', 'event_id', 'client_id', name=op.f('uq_commission_lines_outcome_event_id_client_id'))
    )
    op.create_index(op.f('ix_commission_lines_client_id'), 'commission_lines', ['client_id'], unique=False)
    op.create_index(op.f('ix_commission_lines_statement_id'), 'commission_lines', ['statement_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_commission_lines_statement_id'), table_name='commission_lines')
    op.drop_index(op.f('ix_commission_lines_client_id'), table_name='commission_lines')
    op.drop_table('commission_lines')
    op.drop_index(op.f('ix_commission_statements_month'), table_name='commission_statements')
    op.drop_index(op.f('ix_commission_statements_counselor_id'), table_name='commission_statements')
    op.drop_index(op.f('ix_commission_statements_approved_by'), table_name='commission_statements')
    op.drop_table('commission_statements')
    op.drop_index(op.f('ix_team_members_lead_id'), table_name='team_members')
    op.drop_index(op.f('ix_team_members_added_by'), table_name='team_members')
    op.drop_table('team_members')
    op.drop_index(op.f('ix_commission_rules_set_by'), table_name='commission_rules')
    op.drop_index('ix_commission_rules_lookup', table_name='commission_rules')
    op.drop_table('commission_rules')

    # Team leads go back to counselors (the old check allows nothing else); unused invites for the role go.
    op.execute("UPDATE staff_members SET role = 'counselor' WHERE role = 'team_lead'")
    op.execute("DELETE FROM staff_invites WHERE role = 'team_lead'")
    _role_check(OLD_ROLES)
