"""Kpis: indexes for the appraisal KPIs' period queries (storage/models/kpis.py)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_case_stages_stage_changed_at", "case_stages", ["stage", "changed_at"]),
    ("ix_audit_log_action_at_actor_subject", "audit_log", ["action", "at", "actor_account_id", "subject_account_id"]),
    ("ix_handoffs_claimed_at", "handoffs", ["claimed_at"]),
    ("ix_introductions_created_at", "introductions", ["created_at"]),
    ("ix_date_feedback_asked_at", "date_feedback", ["asked_at"]),
    (
        "ix_survey_responses_answered_at_counselor",
        "survey_responses",
        ["answered_at", "counselor_id", "counselor_score"],
    ),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
