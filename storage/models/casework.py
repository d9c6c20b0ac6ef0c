"""Casework: each client's assigned counselor and next follow-up, counselors' notes, handoffs to a human and
the relay conversation. Notes and relayed words are sealed under the client's key (they are about the
client and go with the client's data when it is shredded).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.handoff import HANDOFF_REASONS, HANDOFF_STATES, MAX_RATING, MIN_RATING
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed


class ClientAssignmentRow(Base):
    """The counselor responsible for a client (one at a time), and when to check in with them next."""

    __tablename__ = "client_assignments"

    client_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    counselor_id: Mapped[UUID] = account_reference(shred_with_account=False)
    assigned_at: Mapped[datetime]
    assigned_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    follow_up_on: Mapped[date | None] = mapped_column(index=True)


class ClientNoteRow(Base):
    """A counselor's note on a client."""

    __tablename__ = "client_notes"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=True)
    author_id: Mapped[UUID] = account_reference(shred_with_account=False)
    text: Mapped[bytes] = sealed(TEXT, nullable=False)
    created_at: Mapped[datetime]


class HandoffRow(Base):
    """A client waiting for, or talking with, a human (see domain/handoff.py)."""

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(choice_check("state", HANDOFF_STATES), name="state"),
        CheckConstraint(choice_check("reason", HANDOFF_REASONS), name="reason"),
        CheckConstraint(f"rating IS NULL OR rating BETWEEN {MIN_RATING} AND {MAX_RATING}", name="rating"),
        Index("ix_handoffs_state_created_at", "state", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=True)
    reason: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    counselor_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    widened_at: Mapped[datetime | None]  # offered to every counselor on duty
    managers_told_at: Mapped[datetime | None]  # still unclaimed after the escalation time
    closed_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    rated_at: Mapped[datetime | None]


class HandoffAlertRow(Base):
    """One copy of a handoff's alert (to a counselor or the staff chat), by its outbox message, so the other
    copies can be edited to say who claimed it."""

    __tablename__ = "handoff_alerts"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    handoff_id: Mapped[UUID] = mapped_column(Uuid(), ForeignKey("handoffs.id"), index=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=True)
    recipient_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    outbox_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class RelayMessageRow(Base):
    """One message of a handoff's conversation (the transcript), sealed under the client's key."""

    __tablename__ = "relay_messages"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    handoff_id: Mapped[UUID] = mapped_column(Uuid(), ForeignKey("handoffs.id"), index=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=True)
    from_client: Mapped[bool] = mapped_column(Boolean)
    author_id: Mapped[UUID] = account_reference(shred_with_account=False)
    text: Mapped[bytes] = sealed(TEXT, nullable=False)
    created_at: Mapped[datetime]
