"""Finance: expenses in the ledger (booking date, category, channel, source, who made it), acquisition
channels, budgets, closed months and their totals, expense notes and receipts (sealed)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "kind IN ('payment', 'refund', 'promo_discount', 'upgrade_credit', 'reversal')"
NEW_KINDS = "kind IN ('payment', 'refund', 'promo_discount', 'upgrade_credit', 'reversal', 'expense')"
CATEGORIES = (
    "category IN ('income', 'refunds', 'salaries', 'rent', 'advertising', 'events', 'commissions', 'other')"
)
_MONEY_CATEGORY = "WHEN 'payment' THEN 'income' WHEN 'refund' THEN 'refunds'"
SOURCES = "source IN ('payment', 'refund', 'commission', 'manual')"

# The ledger stays immutable: the triggers of migration 0011 are lifted only while the new columns are filled
# for the entries already there (and while SQLite rebuilds the table), then set again.
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


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _immutable_ledger() -> None:
    for statement in POSTGRESQL_IMMUTABLE if _postgresql() else SQLITE_IMMUTABLE:
        op.execute(statement)


def _drop_immutable_ledger() -> None:
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_immutable ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_delete")


_OLD_COLUMNS = (
    "id", "kind", "client_id", "payment_id", "refund_id", "reverses_id", "currency", "amount_minor", "created_at"
)
_OLD_INDEXES: tuple[tuple[str, list[str]], ...] = (
    ("ix_ledger_entries_client_id", ["client_id"]),
    ("ix_ledger_entries_payment_id", ["payment_id"]),
)
# Finance's monthly reports read only the report index (totals per category, channel and tier of a month).
REPORT_COLUMNS = ["booked_on", "category", "currency", "channel_id", "payment_id", "amount_minor"]
_NEW_INDEXES = (*_OLD_INDEXES, ("ix_ledger_entries_made_by", ["made_by"]), ("ix_ledger_entries_report", REPORT_COLUMNS))
_NEW_LEDGER_CHECKS = (
    ("ck_ledger_entries_category", CATEGORIES),
    ("ck_ledger_entries_source", SOURCES),
    ("ck_ledger_entries_expense_category", "kind <> 'expense' OR category IS NOT NULL"),
)
# The new columns of the entries already there: the (UTC) day they were written; their payment or refund as
# the source; income or refunds as the category (a reversal: its original's).
_SOURCE = "CASE WHEN refund_id IS NOT NULL OR kind = 'refund' THEN 'refund' ELSE 'payment' END"
_FILLED_IN = (
    ", ".join(_OLD_COLUMNS) + ", date(created_at), "
    f"CASE kind {_MONEY_CATEGORY} WHEN 'reversal' THEN (SELECT CASE original.kind {_MONEY_CATEGORY} END "
    "FROM ledger_entries_old AS original WHERE original.id = ledger_entries_old.reverses_id) END, "
    f"NULL, {_SOURCE}, NULL"
)


def _new_ledger_columns() -> list[sa.Column[object]]:
    return [
        sa.Column('booked_on', sa.Date(), nullable=False),
        sa.Column('category', sa.String(length=16), nullable=True),
        sa.Column('channel_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('made_by', sa.Uuid(), nullable=True),
    ]


def _rebuild_sqlite_ledger(
    extra: list[sa.Column[object]],
    kinds: str,
    checks: tuple[tuple[str, str], ...],
    select_list: str,
    indexes: tuple[tuple[str, list[str]], ...],
) -> None:
    """SQLite cannot change a CHECK constraint in place. The table is renamed away (legacy renaming keeps the
    reversals' references pointing at `ledger_entries`), rebuilt, filled in id order (an entry before its
    reversal) and the old one dropped: no foreign key is broken at any step, inside the one transaction."""
    for name, _columns in _NEW_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("PRAGMA legacy_alter_table = ON")
    op.execute("ALTER TABLE ledger_entries RENAME TO ledger_entries_old")
    op.execute("PRAGMA legacy_alter_table = OFF")
    with_channel = any(column.name == 'channel_id' for column in extra)
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
    *extra,
    sa.CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name=op.f('ck_ledger_entries_reversal')),
    sa.CheckConstraint(kinds, name=op.f('ck_ledger_entries_kind')),
    *[sa.CheckConstraint(sql, name=op.f(name)) for name, sql in checks],
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_ledger_entries_client_id_accounts')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_ledger_entries_payment_id_payments')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_ledger_entries_refund_id_refunds')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_entries.id'], name=op.f('fk_ledger_entries_reverses_id_ledger_entries')),
    *([
        sa.ForeignKeyConstraint(['channel_id'], ['acquisition_channels.id'], name=op.f('fk_ledger_entries_channel_id_acquisition_channels')),
        sa.ForeignKeyConstraint(['made_by'], ['accounts.id'], name=op.f('fk_ledger_entries_made_by_accounts')),
    ] if with_channel else []),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_entries_reverses_id'))
    )
    columns = ", ".join([*_OLD_COLUMNS, *(column.name for column in extra)])
    op.execute(f"INSERT INTO ledger_entries ({columns}) SELECT {select_list} FROM ledger_entries_old ORDER BY id")
    op.drop_table('ledger_entries_old')
    for name, indexed in indexes:
        op.create_index(name, 'ledger_entries', indexed, unique=False)


def _upgrade_postgresql_ledger() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('booked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('category', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('channel_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('made_by', sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE ledger_entries SET booked_on = CAST(created_at AT TIME ZONE 'UTC' AS DATE), "
        f"source = {_SOURCE}, "
        f"category = CASE kind {_MONEY_CATEGORY} WHEN 'reversal' THEN (SELECT CASE original.kind "
        f"{_MONEY_CATEGORY} END FROM ledger_entries AS original WHERE original.id = ledger_entries.reverses_id) END"
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('booked_on', existing_type=sa.Date(), nullable=False)
        batch_op.alter_column('source', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_constraint(op.f('ck_ledger_entries_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_ledger_entries_kind'), NEW_KINDS)
        for name, sql in _NEW_LEDGER_CHECKS:
            batch_op.create_check_constraint(op.f(name), sql)
        batch_op.create_foreign_key(
            batch_op.f('fk_ledger_entries_channel_id_acquisition_channels'), 'acquisition_channels', ['channel_id'], ['id']
        )
        batch_op.create_foreign_key(batch_op.f('fk_ledger_entries_made_by_accounts'), 'accounts', ['made_by'], ['id'])
        batch_op.create_index(batch_op.f('ix_ledger_entries_report'), REPORT_COLUMNS, unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_made_by'), ['made_by'], unique=False)


def _downgrade_postgresql_ledger() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_made_by'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_report'))
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_made_by_accounts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_channel_id_acquisition_channels'), type_='foreignkey')
        for name, _sql in _NEW_LEDGER_CHECKS:
            batch_op.drop_constraint(op.f(name), type_='check')
        batch_op.drop_constraint(op.f('ck_ledger_entries_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_ledger_entries_kind'), OLD_KINDS)
        batch_op.drop_column('made_by')
        batch_op.drop_column('source')
        batch_op.drop_column('channel_id')
        batch_op.drop_column('category')
        batch_op.drop_column('booked_on')


def upgrade() -> None:
    op.create_table('acquisition_channels',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['accounts.id'], name=op.f('fk_acquisition_channels_created_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acquisition_channels')),
    sa.UniqueConstraint('code', name=op.f('uq_acquisition_channels_code'))
    )
    with op.batch_alter_table('acquisition_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acquisition_channels_created_by'), ['created_by'], unique=False)

    op.create_table('client_channels',
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['acquisition_channels.id'], name=op.f('fk_client_channels_channel_id_acquisition_channels')),
    sa.ForeignKeyConstraint(['client_id'], ['accounts.id'], name=op.f('fk_client_channels_client_id_accounts')),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_client_channels'))
    )
    with op.batch_alter_table('client_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_channels_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_client_channels_recorded_on'), ['recorded_on'], unique=False)

    op.create_table('budget_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('threshold_percent', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.Uuid(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_budget_lines_amount')),
    sa.CheckConstraint('threshold_percent >= 0', name=op.f('ck_budget_lines_threshold')),
    sa.CheckConstraint(CATEGORIES, name=op.f('ck_budget_lines_category')),
    sa.ForeignKeyConstraint(['set_by'], ['accounts.id'], name=op.f('fk_budget_lines_set_by_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_lines')),
    sa.UniqueConstraint('month', 'category', 'currency', name=op.f('uq_budget_lines_month_category_currency'))
    )
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_lines_set_by'), ['set_by'], unique=False)

    op.create_table('closed_periods',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('carried_minor', sa.BigInteger(), nullable=False),
    sa.Column('closed_by', sa.Uuid(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['accounts.id'], name=op.f('fk_closed_periods_closed_by_accounts')),
    sa.PrimaryKeyConstraint('month', 'currency', name=op.f('pk_closed_periods'))
    )
    with op.batch_alter_table('closed_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closed_periods_closed_by'), ['closed_by'], unique=False)

    op.create_table('period_totals',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.CheckConstraint(CATEGORIES, name=op.f('ck_period_totals_category')),
    sa.PrimaryKeyConstraint('month', 'currency', 'category', name=op.f('pk_period_totals'))
    )

    _drop_immutable_ledger()
    if _postgresql():
        _upgrade_postgresql_ledger()
    else:
        _rebuild_sqlite_ledger(_new_ledger_columns(), NEW_KINDS, _NEW_LEDGER_CHECKS, _FILLED_IN, _NEW_INDEXES)
    _immutable_ledger()

    op.create_table('expense_details',
    sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sealed_by', sa.Uuid(), nullable=False),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('receipt_file_id', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['ledger_entries.id'], name=op.f('fk_expense_details_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['sealed_by'], ['accounts.id'], name=op.f('fk_expense_details_sealed_by_accounts')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_expense_details'))
    )
    with op.batch_alter_table('expense_details', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_details_sealed_by'), ['sealed_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expense_details', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_details_sealed_by'))
    op.drop_table('expense_details')

    # Going back loses the expenses: the old ledger has no kind for them (the triggers are lifted for it).
    _drop_immutable_ledger()
    op.execute("DELETE FROM ledger_entries WHERE reverses_id IN (SELECT id FROM ledger_entries WHERE kind = 'expense')")
    op.execute("DELETE FROM ledger_entries WHERE kind = 'expense'")
    if _postgresql():
        _downgrade_postgresql_ledger()
    else:
        _rebuild_sqlite_ledger([], OLD_KINDS, (), ", ".join(_OLD_COLUMNS), _OLD_INDEXES)
    _immutable_ledger()

    op.drop_table('period_totals')
    with op.batch_alter_table('closed_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_closed_periods_closed_by'))
    op.drop_table('closed_periods')
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_lines_set_by'))
    op.drop_table('budget_lines')
    with op.batch_alter_table('client_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_channels_recorded_on'))
        batch_op.drop_index(batch_op.f('ix_client_channels_channel_id'))
    op.drop_table('client_channels')
    with op.batch_alter_table('acquisition_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acquisition_channels_created_by'))
    op.drop_table('acquisition_channels')
