"""Staff fines in the ledger (a new ledger source 'penalty', the penalty's link to its entry) and handlers'
notes on complaint cases (a new timeline kind 'note'); when an event's terms last changed (events.terms_changed_at)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_SOURCES = "source IN ('payment', 'refund', 'commission', 'manual')"
NEW_SOURCES = "source IN ('payment', 'refund', 'commission', 'manual', 'penalty')"
OLD_EVENT_KINDS = "kind IN ('opened', 'responded', 'escalated', 'resolved', 'satisfied', 'unsatisfied')"
NEW_EVENT_KINDS = "kind IN ('opened', 'responded', 'escalated', 'resolved', 'satisfied', 'unsatisfied', 'note')"
FINE_ENTRY = 'fk_staff_penalties_ledger_entry_id_ledger_entries'


def _replace_sqlite_check(table: str, old: str, new: str) -> None:
    """SQLite keeps a CHECK constraint only in the table's CREATE statement, and allowing more values changes
    nothing stored, so the statement is rewritten in place (sqlite.org/lang_altertable.html, "making other kinds
    of table schema changes"): no copy of the ledger, whose rows may not be deleted or updated."""
    bind = op.get_bind()
    sql = bind.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"), {"t": table}).scalar()
    if sql is None or sql.count(old) != 1:
        raise RuntimeError(f"{table}: expected one CHECK ({old})")
    version = bind.execute(sa.text("PRAGMA schema_version")).scalar()
    op.execute("PRAGMA writable_schema = ON")
    bind.execute(
        sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
        {"sql": sql.replace(old, new), "t": table},
    )
    op.execute(f"PRAGMA schema_version = {int(version) + 1}")
    op.execute("PRAGMA writable_schema = OFF")


def _replace_check(table: str, name: str, old: str, new: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _replace_sqlite_check(table, old, new)
    else:
        op.drop_constraint(op.f(name), table, type_='check')
        op.create_check_constraint(op.f(name), table, new)


def upgrade() -> None:
    _replace_check('ledger_entries', 'ck_ledger_entries_source', OLD_SOURCES, NEW_SOURCES)
    _replace_check('complaint_events', 'ck_complaint_events_kind', OLD_EVENT_KINDS, NEW_EVENT_KINDS)
    op.add_column('events', sa.Column('terms_changed_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':  # ALTER cannot add a table constraint there: a column constraint
        op.execute(
            f"ALTER TABLE staff_penalties ADD COLUMN ledger_entry_id INTEGER CONSTRAINT {FINE_ENTRY} "
            "REFERENCES ledger_entries (id)"
        )
    else:
        op.add_column('staff_penalties', sa.Column('ledger_entry_id', sa.BigInteger(), nullable=True))
        op.create_foreign_key(op.f(FINE_ENTRY), 'staff_penalties', 'ledger_entries', ['ledger_entry_id'], ['id'])

def downgrade() -> None:
    if op.get_bind().execute(sa.text("SELECT count(*) FROM ledger_entries WHERE source = 'penalty'")).scalar():
        raise RuntimeError("the ledger holds staff fines: they cannot be removed (ledger entries are never deleted)")
    op.drop_column('events', 'terms_changed_at')
    op.execute("DELETE FROM complaint_events WHERE kind = 'note'")
    _replace_check('complaint_events', 'ck_complaint_events_kind', NEW_EVENT_KINDS, OLD_EVENT_KINDS)
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f(FINE_ENTRY), 'staff_penalties', type_='foreignkey')
    op.drop_column('staff_penalties', 'ledger_entry_id')
    _replace_check('ledger_entries', 'ck_ledger_entries_source', NEW_SOURCES, OLD_SOURCES)
