"""Membership: tiers, prices, payments, refunds and the ledger

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The ledger is written once: the database itself refuses to change or delete an entry.
IMMUTABLE_MESSAGE = "ledger entries are immutable: write a reversal entry"
POSTGRESQL_IMMUTABLE = (
    "CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
    f"BEGIN RAISE EXCEPTION '{IMMUTABLE_MESSAGE}'; END $$",
    "CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries "
    "FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable()",
)
SQLITE_IMMUTABLE = tuple(
    f"CREATE TRIGGER ledger_entries_no_{action.lower()} BEFORE {action} ON ledger_entries "
    f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE_MESSAGE}'); END"
    for action in ("UPDATE", "DELETE")
)


def _immutable_ledger() -> None:
    statements = POSTGRESQL_IMMUTABLE if op.get_bind().dialect.name == "postgresql" else SQLITE_IMMUTABLE
    for statement in statements:
        op.execute(statement)


def _drop_immutable_ledger() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_immutable ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_delete")


def upgrade() -> None:
    op.create_table('promo_codes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('per_client', sa.Integer(), nullable=False),
    sa.Column('tiers', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'percent' AND percent BETWEEN 1 AND 100 AND amount_minor IS NULL) OR (kind = 'fixed' AND amount_minor > 0 AND currency IS NOT NULL)", name=op.f('ck_promo_codes_value')),
    sa.CheckConstraint("kind IN ('percent', 'fixed')", name=op.f('ck_promo_codes_kind')),
    sa.CheckConstraint('per_client >= 1 AND (max_uses IS NULL OR max_uses >= 1)', name=op.f('ck_promo_codes_limits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_promo_codes_code'))
    )
    op.create_table('membership_prices',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('term', sa.String(length=12), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("term IN ('1', '3', '12', 'engagement')", name=op.f('ck_membership_prices_term')),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_membership_prices_tier')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_membership_prices_amount')),
    sa.ForeignKeyConstraint(['set_by'], ['accounts.id'], name=op.f('fk_membership_prices_set_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_prices'))
    )
    with op.batch_alter_table('membership_prices', schema=None) as batch_op:
        batch_op.create_index('ix_membership_prices_offer', ['tier', 'term', 'currency', 'valid_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_prices_set_by'), ['set_by'], unique=False)

    op.create_table('payment_orders',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('term', sa.String(length=12), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('list_minor', sa.BigInteger(), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('credit_minor', sa.BigInteger(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('price_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('promo_id', sa.Uuid(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('open', 'paid', 'cancelled')", name=op.f('ck_payment_orders_state')),
    sa.CheckConstraint("term IN ('1', '3', '12', 'engagement')", name=op.f('ck_payment_orders_term')),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_payment_orders_tier')),
    sa.CheckConstraint('list_minor >= 0 AND discount_minor >= 0 AND credit_minor >= 0 AND total_minor > 0 AND list_minor = discount_minor + credit_minor + total_minor', name=op.f('ck_payment_orders_amounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_payment_orders_client_id_accounts')),
    sa.ForeignKeyConstraint(['price_id'], ['membership_prices.id'], name=op.f('fk_payment_orders_price_id_membership_prices')),
    sa.ForeignKeyConstraint(['promo_id'], ['promo_codes.id'], name=op.f('fk_payment_orders_promo_id_promo_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_orders'))
    )
    with op.batch_alter_table('payment_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_orders_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_orders_promo_id'), ['promo_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('provider', sa.String(length=12), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('refunded_minor', sa.BigInteger(), nullable=False),
    sa.Column('charge_id', sa.LargeBinary(), nullable=False),
    sa.Column('charge_id_index', sa.LargeBinary(length=32), nullable=True),
    sa.Column('provider_charge_id', sa.LargeBinary(), nullable=True),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("provider IN ('telegram', 'stars', 'test')", name=op.f('ck_payments_provider')),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_payments_tier')),
    sa.CheckConstraint('amount_minor > 0 AND refunded_minor >= 0 AND refunded_minor <= amount_minor', name=op.f('ck_payments_amounts')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_payments_client_id_accounts')),
    sa.ForeignKeyConstraint(['order_id'], ['payment_orders.id'], name=op.f('fk_payments_order_id_payment_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('charge_id_index', name=op.f('uq_payments_charge_id_index')),
    sa.UniqueConstraint('order_id', name=op.f('uq_payments_order_id'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_client_id'), ['client_id'], unique=False)

    op.create_table('memberships',
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('tier', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("tier IN ('basic', 'premium', 'private')", name=op.f('ck_memberships_tier')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_memberships_client_id_accounts')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_memberships_payment_id_payments')),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_expires_at'), ['expires_at'], unique=False)

    op.create_table('promo_redemptions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('promo_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('discount_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_promo_redemptions_client_id_accounts')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_promo_redemptions_payment_id_payments')),
    sa.ForeignKeyConstraint(['promo_id'], ['promo_codes.id'], name=op.f('fk_promo_redemptions_promo_id_promo_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promo_redemptions')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_promo_redemptions_payment_id'))
    )
    with op.batch_alter_table('promo_redemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promo_redemptions_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_promo_redemptions_promo_id'), ['promo_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('rule', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.CheckConstraint("state IN ('requested', 'approved', 'declined')", name=op.f('ck_refunds_state')),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_refunds_amount')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_refunds_client_id_accounts')),
    sa.ForeignKeyConstraint(['decided_by'], ['accounts.id'], name=op.f('fk_refunds_decided_by_accounts')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_decided_by'), ['decided_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_payment_id'), ['payment_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=True),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('refund_id', sa.Uuid(), nullable=True),
    sa.Column('reverses_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name=op.f('ck_ledger_entries_reversal')),
    sa.CheckConstraint("kind IN ('payment', 'refund', 'promo_discount', 'upgrade_credit', 'reversal')", name=op.f('ck_ledger_entries_kind')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_ledger_entries_client_id_accounts')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_ledger_entries_payment_id_payments')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_ledger_entries_refund_id_refunds')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_id_ledger_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entries_reverses_id'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_payment_id'), ['payment_id'], unique=False)
    _immutable_ledger()


def downgrade() -> None:
    _drop_immutable_ledger()
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_payment_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_client_id'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_payment_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_decided_by'))
        batch_op.drop_index(batch_op.f('ix_refunds_client_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('promo_redemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promo_redemptions_promo_id'))
        batch_op.drop_index(batch_op.f('ix_promo_redemptions_client_id'))

    op.drop_table('promo_redemptions')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_expires_at'))

    op.drop_table('memberships')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_client_id'))

    op.drop_table('payments')
    with op.batch_alter_table('payment_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_orders_promo_id'))
        batch_op.drop_index(batch_op.f('ix_payment_orders_client_id'))

    op.drop_table('payment_orders')
    with op.batch_alter_table('membership_prices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_prices_set_by'))
        batch_op.drop_index('ix_membership_prices_offer')

    op.drop_table('membership_prices')
    op.drop_table('promo_codes')
