"""Dates (约会) between two introduced clients, and each one's feedback afterwards.

Times, states and catalogue venue codes are relational metadata kept in clear; what a person typed (a
venue of their own, the reason for a cancellation, a feedback comment) is sealed under its author's key.
Both tables name both people, so either one's deletion removes the date and its feedback.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.dates import DATE_STATES
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed
from storage.types import json_column_type


class DateRow(Base):
    """One date of a connected introduction: the current proposal, then the confirmed time.

    `slots` are the proposed start times (UTC, ISO 8601) of the current `round`; `proposed_by` made them
    and is the author of a typed `venue_text`. `starts_at` is set while the date is confirmed.
    """

    __tablename__ = "dates"
    __table_args__ = (
        CheckConstraint(choice_check("state", DATE_STATES), name="state"),
        CheckConstraint("first_id <> second_id", name="two_people"),
        Index("ix_dates_state_starts_at", "state", "starts_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    introduction_id: Mapped[UUID] = mapped_column(ForeignKey("introductions.id"), index=True)
    first_id: Mapped[UUID] = account_reference(shred_with_account=True)
    second_id: Mapped[UUID] = account_reference(shred_with_account=True)
    state: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer, default=1)
    proposed_by: Mapped[UUID] = account_reference(shred_with_account=True)
    slots: Mapped[list[str]] = mapped_column(json_column_type())
    venue_code: Mapped[str | None] = mapped_column(String(48))
    venue_text: Mapped[bytes | None] = sealed(TEXT)
    starts_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    cancelled_by: Mapped[UUID | None] = account_reference(shred_with_account=True, nullable=True)
    reason: Mapped[bytes | None] = sealed(TEXT)
    late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DateFeedbackRow(Base):
    """One person's feedback on one date: asked at T+3h, filled in answer by answer."""

    __tablename__ = "date_feedback"
    __table_args__ = (
        UniqueConstraint("date_id", "author_id"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    date_id: Mapped[UUID] = mapped_column(ForeignKey("dates.id"), index=True)
    author_id: Mapped[UUID] = account_reference(shred_with_account=True)
    about_id: Mapped[UUID] = account_reference(shred_with_account=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    no_show: Mapped[bool] = mapped_column(Boolean, default=False)
    meet_again: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[bytes | None] = sealed(TEXT)
    complaint: Mapped[bool] = mapped_column(Boolean, default=False)
    asked_at: Mapped[datetime]
    nudged_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
