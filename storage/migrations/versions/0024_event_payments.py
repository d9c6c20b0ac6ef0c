"""Paying for offline events: an order and a payment may be for an event's seat (payment_orders.event_id,
payments.event_id, the order term 'event'); a seat may be held while its client pays (the sign-up state 'held',
event_signups.hold_until) and names the payment that confirmed it (event_signups.payment_id)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0023's helper: a CHECK constraint allowing more values is rewritten in place on SQLite (no table copy).
_replace_check = importlib.import_module("storage.migrations.versions.0023_quality_and_events_followups")._replace_check

OLD_TERMS = "term IN ('1', '3', '12', 'engagement')"
NEW_TERMS = "term IN ('1', '3', '12', 'engagement', 'event')"
OLD_SIGNUP_STATES = "state IN ('confirmed', 'waitlisted', 'cancelled')"
NEW_SIGNUP_STATES = "state IN ('confirmed', 'held', 'waitlisted', 'cancelled')"
REFERENCES = (  # (table, column, referred table)
    ("payment_orders", "event_id", "events"),
    ("payments", "event_id", "events"),
    ("event_signups", "payment_id", "payments"),
)
INDEXED = (("payment_orders", "event_id"), ("payments", "event_id"))


def _fk(table: str, column: str, referred: str) -> str:
    return f"fk_{table}_{column}_{referred}"


def upgrade() -> None:
    _replace_check("payment_orders", "ck_payment_orders_term", OLD_TERMS, NEW_TERMS)
    _replace_check("event_signups", "ck_event_signups_state", OLD_SIGNUP_STATES, NEW_SIGNUP_STATES)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table, column, referred in REFERENCES:
        if sqlite:  # ALTER cannot add a table constraint there: a column constraint
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN {column} CHAR(32) CONSTRAINT {_fk(table, column, referred)} "
                f"REFERENCES {referred} (id)"
            )
        else:
            op.add_column(table, sa.Column(column, sa.Uuid(), nullable=True))
            op.create_foreign_key(op.f(_fk(table, column, referred)), table, referred, [column], ["id"])
    op.add_column("event_signups", sa.Column("hold_until", sa.DateTime(timezone=True), nullable=True))
    for table, column in INDEXED:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM payments WHERE event_id IS NOT NULL")).scalar():
        raise RuntimeError("payments for events are in the books: they cannot be removed")
    op.execute("UPDATE payment_orders SET state = 'cancelled' WHERE term = 'event' AND state = 'open'")
    if bind.execute(sa.text("SELECT count(*) FROM payment_orders WHERE term = 'event'")).scalar():
        raise RuntimeError("invoices for events are in the books: they cannot be removed")
    op.execute("UPDATE event_signups SET state = 'cancelled' WHERE state = 'held'")
    for table, column in INDEXED:
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.drop_column("event_signups", "hold_until")
    for table, column, referred in reversed(REFERENCES):
        if bind.dialect.name != "sqlite":
            op.drop_constraint(op.f(_fk(table, column, referred)), table, type_="foreignkey")
        op.drop_column(table, column)
    _replace_check("event_signups", "ck_event_signups_state", NEW_SIGNUP_STATES, OLD_SIGNUP_STATES)
    _replace_check("payment_orders", "ck_payment_orders_term", NEW_TERMS, OLD_TERMS)
