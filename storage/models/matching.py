"""Matching: the suggestions shown to each client and their answers, introductions, reports, case stages.

Who was suggested to whom is relational metadata, kept in clear like the coarse match facts; what a person
wrote (a report's comment, a counselor's note on a pick) is sealed under its author's or owner's key.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.matching.decisions import (
    DECISIONS,
    INTRODUCTION_STATES,
    REPORT_REASONS,
    REPORT_STATES,
    SUGGESTION_SOURCES,
)
from domain.pipeline import CASE_STAGES
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed
from storage.types import json_column_type


class SuggestionRow(Base):
    """One candidate put in front of one asker, once ever: the row is also what excludes the pair later.

    `offered_on` is the asker's day the suggestion joined their list (None while it waits for the next
    list: someone interested in the asker, or a counselor's pick); it also counts the candidate's exposure.
    """

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("asker_id", "candidate_id"),
        CheckConstraint(choice_check("source", SUGGESTION_SOURCES), name="source"),
        CheckConstraint(choice_check("decision", DECISIONS), name="decision"),
        CheckConstraint("asker_id <> candidate_id", name="not_self"),
        Index("ix_suggestions_offered_on_candidate_id", "offered_on", "candidate_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    asker_id: Mapped[UUID] = account_reference(shred_with_account=True)
    candidate_id: Mapped[UUID] = account_reference(shred_with_account=True)
    source: Mapped[str] = mapped_column(String(16))
    offered_on: Mapped[date | None]
    position: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[dict[str, object]]] = mapped_column(json_column_type())
    note: Mapped[bytes | None] = sealed(TEXT)
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class IntroductionRow(Base):
    """Two clients who both said Interested; contacts are exchanged once both agree to share them.

    The pair is stored in a fixed order (`first_id` < `second_id` as text) so it is unique either way round.
    """

    __tablename__ = "introductions"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint(choice_check("state", INTRODUCTION_STATES), name="state"),
        CheckConstraint("first_id <> second_id", name="two_people"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    first_id: Mapped[UUID] = account_reference(shred_with_account=True)
    second_id: Mapped[UUID] = account_reference(shred_with_account=True)
    state: Mapped[str] = mapped_column(String(16))
    first_shares_at: Mapped[datetime | None]
    second_shares_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    connected_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class ReportRow(Base):
    """A client's complaint about a profile they were shown; staff work through the open ones.

    Kept when either side deletes their account (the agency's quality record), the comment sealed under
    the reporter's key (so a deleted reporter's words are gone with their key).
    """

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint(choice_check("reason", REPORT_REASONS), name="reason"),
        CheckConstraint(choice_check("state", REPORT_STATES), name="state"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    reporter_id: Mapped[UUID] = account_reference(shred_with_account=False)
    reported_id: Mapped[UUID] = account_reference(shred_with_account=False)
    reason: Mapped[str] = mapped_column(String(16))
    comment: Mapped[bytes | None] = sealed(TEXT)
    state: Mapped[str] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]


class CaseStageRow(Base):
    """A client's case entering a pipeline stage (one row per change, so stage durations can be measured)."""

    __tablename__ = "case_stages"
    __table_args__ = (CheckConstraint(choice_check("stage", CASE_STAGES), name="stage"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)
    stage: Mapped[str] = mapped_column(String(24))
    cause: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]
