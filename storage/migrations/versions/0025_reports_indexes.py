"""Reports: indexes the management reports read other features' tables by (storage/models/reports.py)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_consents_account_id_given_at", "consents", ["account_id", "given_at"]),
    ("ix_suggestions_asker_id_created_at", "suggestions", ["asker_id", "created_at"]),
    ("ix_case_stages_account_id_changed_at_id_stage", "case_stages", ["account_id", "changed_at", "id", "stage"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
