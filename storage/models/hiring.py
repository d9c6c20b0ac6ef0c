"""Hiring: positions (clear: a job, not a person), candidates and their timelines.

A candidate's data (name, phone, interview answers, the managers' notes about them) is personal data: sealed
under the candidate's own account key, so it is unreadable once they delete their account, and their rows go
with it (`shred_with_account=True`). The position and who acted are references only.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.personnel.hiring import EVENT_KINDS, HIRABLE_ROLE_CODES, POSITION_STATES, STAGES
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed


class HiringPositionRow(Base):
    """A job the agency hires for: the role, how many people, what they need to bring."""

    __tablename__ = "hiring_positions"
    __table_args__ = (
        CheckConstraint(choice_check("role", HIRABLE_ROLE_CODES), name="role"),
        CheckConstraint(choice_check("state", POSITION_STATES), name="state"),
        CheckConstraint("headcount >= 1", name="headcount"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # the public code of the apply link
    role: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(80))
    headcount: Mapped[int] = mapped_column(Integer)
    requirements: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(8))
    created_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class HiringCandidateRow(Base):
    """One person's application for one position, and where it stands."""

    __tablename__ = "hiring_candidates"
    __table_args__ = (
        CheckConstraint(choice_check("stage", STAGES), name="stage"),
        UniqueConstraint("position_id", "account_id"),
        Index("ix_hiring_candidates_position_id_stage", "position_id", "stage"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    position_id: Mapped[UUID] = mapped_column(Uuid(), ForeignKey("hiring_positions.id"))
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)
    stage: Mapped[str] = mapped_column(String(16))
    name: Mapped[bytes] = sealed(TEXT, nullable=False)
    phone: Mapped[bytes] = sealed(TEXT, nullable=False)
    experience: Mapped[bytes] = sealed(TEXT, nullable=False)
    motivation: Mapped[bytes] = sealed(TEXT, nullable=False)
    applied_at: Mapped[datetime]
    stage_changed_at: Mapped[datetime]
    invite_id: Mapped[UUID | None] = mapped_column(Uuid(), ForeignKey("staff_invites.id"))


class HiringEventRow(Base):
    """A line of a candidate's timeline: applied, moved, declined, hired, or a manager's note (sealed)."""

    __tablename__ = "hiring_events"
    __table_args__ = (
        CheckConstraint(choice_check("kind", EVENT_KINDS), name="kind"),
        CheckConstraint(f"stage IS NULL OR {choice_check('stage', STAGES)}", name="stage"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    candidate_id: Mapped[UUID] = mapped_column(Uuid(), ForeignKey("hiring_candidates.id"), index=True)
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)  # the candidate's: their key seals
    kind: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))  # where the candidate stood after it
    note: Mapped[bytes | None] = sealed(TEXT)
    actor_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]
