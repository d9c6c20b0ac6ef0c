"""Reports

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INTERVALS = "interval IN ('registration_to_introduction', 'handoff_to_claim', 'claim_to_first_reply')"


def upgrade() -> None:
    op.create_table(
        "report_targets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interval", sa.String(length=32), nullable=False),
        sa.Column("within_seconds", sa.Integer(), nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(INTERVALS, name=op.f("ck_report_targets_interval")),
        sa.CheckConstraint("within_seconds > 0", name=op.f("ck_report_targets_within")),
        sa.CheckConstraint("share_percent BETWEEN 1 AND 100", name=op.f("ck_report_targets_share")),
        sa.ForeignKeyConstraint(["set_by"], ["accounts.id"], name=op.f("fk_report_targets_set_by_accounts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_targets")),
    )
    op.create_index(op.f("ix_report_targets_set_by"), "report_targets", ["set_by"], unique=False)
    op.create_table(
        "report_target_weeks",
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("met", sa.Integer(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
        sa.Column("on_target", sa.Boolean(), nullable=True),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["target_id"], ["report_targets.id"], name=op.f("fk_report_target_weeks_target_id_report_targets")
        ),
        sa.PrimaryKeyConstraint("target_id", "week_start", name=op.f("pk_report_target_weeks")),
    )


def downgrade() -> None:
    op.drop_table("report_target_weeks")
    op.drop_index(op.f("ix_report_targets_set_by"), table_name="report_targets")
    op.drop_table("report_targets")
