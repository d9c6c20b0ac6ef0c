"""Quality supervision: complaint cases and their timelines, and the moderation state of reported profiles.

A case is the agency's quality record, so it is kept when either side deletes their account (like a report);
what the client wrote is sealed under the client's key and so becomes unreadable with it. A timeline note is
sealed under the same key.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.quality import (
    APPEAL_DECISIONS,
    CASE_STATES,
    CATEGORIES,
    EVENT_KINDS,
    MODERATION_STATES,
    OUTCOMES,
    OWNERS,
    PENALTY_KINDS,
    SEVERITIES,
    SOURCES,
)
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed


class ComplaintRow(Base):
    """A complaint or suggestion as a case (see domain/quality.py)."""

    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint(choice_check("source", SOURCES), name="source"),
        CheckConstraint(choice_check("category", CATEGORIES), name="category"),
        CheckConstraint(choice_check("severity", SEVERITIES), name="severity"),
        CheckConstraint(choice_check("owner", OWNERS), name="owner"),
        CheckConstraint(choice_check("state", CASE_STATES), name="state"),
        CheckConstraint(f"outcome IS NULL OR {choice_check('outcome', OUTCOMES)}", name="outcome"),
        Index("ix_complaints_state_created_at", "state", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    source: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))
    owner: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    about_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    ref_id: Mapped[UUID | None] = mapped_column(Uuid())  # the report, date feedback or handoff it came from
    text: Mapped[bytes | None] = sealed(TEXT)
    created_at: Mapped[datetime]
    first_response_due: Mapped[datetime]
    resolution_due: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    handler_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    satisfied: Mapped[bool | None] = mapped_column(Boolean)


class ComplaintEventRow(Base):
    """One line of a case's timeline: who did what, when (a note sealed under the client's key)."""

    __tablename__ = "complaint_events"
    __table_args__ = (CheckConstraint(choice_check("kind", EVENT_KINDS), name="kind"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    complaint_id: Mapped[UUID] = mapped_column(Uuid(), ForeignKey("complaints.id"), index=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    note: Mapped[bytes | None] = sealed(TEXT)
    created_at: Mapped[datetime]


class ProfileModerationRow(Base):
    """A client's moderation state after reports: warned, hidden from suggestions until a moment, suspended.
    Deleted with the client."""

    __tablename__ = "profile_moderation"
    __table_args__ = (CheckConstraint(choice_check("state", MODERATION_STATES), name="state"),)

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    hidden_until: Mapped[datetime | None]
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
    updated_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)


class ClientBlockRow(Base):
    """A client blocked someone they were introduced to: neither is suggested to or put in touch with the
    other again. Deleted when either deletes their account."""

    __tablename__ = "client_blocks"

    blocker_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    blocked_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    created_at: Mapped[datetime]


class StaffPenaltyRow(Base):
    """A penalty against a staff member (warning, fine, suspension, dismissal) with its reason and evidence,
    and the member's one appeal. The reason and the appeal are sealed under the member's key. A fine's amount is
    in minor units of `currency` (see domain/membership/money.py)."""

    __tablename__ = "staff_penalties"
    __table_args__ = (
        CheckConstraint(choice_check("kind", PENALTY_KINDS), name="kind"),
        CheckConstraint("(kind = 'fine') = (amount_minor IS NOT NULL AND amount_minor > 0)", name="fine"),
        CheckConstraint(
            f"appeal_decision IS NULL OR {choice_check('appeal_decision', APPEAL_DECISIONS)}", name="appeal_decision"
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    staff_id: Mapped[UUID] = account_reference(shred_with_account=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[bytes] = sealed(TEXT, nullable=False)
    complaint_id: Mapped[UUID | None] = mapped_column(Uuid(), ForeignKey("complaints.id"), index=True)
    audit_id: Mapped[UUID | None] = mapped_column(Uuid())  # an audit-log entry given as evidence
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    # A fine's entry in the ledger (withheld from the member's pay: source 'penalty'); reversed if it is lifted.
    ledger_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    issued_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]
    appeal: Mapped[bytes | None] = sealed(TEXT)
    appealed_at: Mapped[datetime | None]
    appeal_decision: Mapped[str | None] = mapped_column(String(8))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)


class SurveyResponseRow(Base):
    """One client's monthly satisfaction survey: asked, reminded once, answered (NPS 0-10, the counselor 1-5, a
    comment sealed under the client's key). Kept, like a case, when the client deletes their account (the
    figures count; the comment becomes unreadable)."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("client_id", "month"),
        CheckConstraint("nps IS NULL OR nps BETWEEN 0 AND 10", name="nps"),
        CheckConstraint("counselor_score IS NULL OR counselor_score BETWEEN 1 AND 5", name="counselor_score"),
        Index("ix_survey_responses_month", "month"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    counselor_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    sent_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    nps: Mapped[int | None] = mapped_column(Integer)
    counselor_score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[bytes | None] = sealed(TEXT)
    answered_at: Mapped[datetime | None]
    complaint_id: Mapped[UUID | None] = mapped_column(Uuid(), ForeignKey("complaints.id"))
