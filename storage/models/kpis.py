"""Indexes the appraisal KPIs read by (migration 0019_kpis): each metric family's query picks the rows of one
period from a table the bot already writes, so each such table gets an index on the moment it filters by.
The tables themselves belong to their features (casework, matching, dates, quality, the audit log)."""

from __future__ import annotations

from sqlalchemy import Index

from storage.models.audit import AuditLogRow
from storage.models.casework import HandoffRow
from storage.models.dates import DateFeedbackRow
from storage.models.matching import CaseStageRow, IntroductionRow
from storage.models.quality import SurveyResponseRow

# Each index attaches itself to its columns' table (nothing to keep a reference to).
# clients reaching "dating" and beyond in a period: the stage, then the moment
Index("ix_case_stages_stage_changed_at", CaseStageRow.stage, CaseStageRow.changed_at)
# casework actions (clients served, follow-ups kept) in a period, covering who acted on whom
Index(
    "ix_audit_log_action_at_actor_subject",
    AuditLogRow.action,
    AuditLogRow.at,
    AuditLogRow.actor_account_id,
    AuditLogRow.subject_account_id,
)
Index("ix_handoffs_claimed_at", HandoffRow.claimed_at)
Index("ix_introductions_created_at", IntroductionRow.created_at)
Index("ix_date_feedback_asked_at", DateFeedbackRow.asked_at)
Index(
    "ix_survey_responses_answered_at_counselor",
    SurveyResponseRow.answered_at,
    SurveyResponseRow.counselor_id,
    SurveyResponseRow.counselor_score,
)
