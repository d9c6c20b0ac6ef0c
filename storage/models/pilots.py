"""Pilots of flow changes (domain/reports/pilots.py) and which arm each client taking part is in.

A pilot holds codes and times only. An assignment is recorded the first time the code asks about a client
(the arm itself follows from a hash, never from stored randomness), so the comparison knows both arms; it is
the client's data and goes when the client is shredded.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.reports.pilots import ARMS, FLAGS, MAX_SHARE, METRICS, MIN_SHARE, PILOT_STATES
from storage.models.base import Base, account_reference, choice_check


class PilotRow(Base):
    """A pilot of one flag on a share of new clients, judged on one metric."""

    __tablename__ = "pilots"
    __table_args__ = (
        CheckConstraint(choice_check("flag", FLAGS), name="flag"),
        CheckConstraint(choice_check("metric", METRICS), name="metric"),
        CheckConstraint(choice_check("state", PILOT_STATES), name="state"),
        CheckConstraint(f"share BETWEEN {MIN_SHARE} AND {MAX_SHARE}", name="share"),
        Index("ix_pilots_state", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flag: Mapped[str] = mapped_column(String(32))
    metric: Mapped[str] = mapped_column(String(32))
    share: Mapped[int] = mapped_column(Integer)  # percent of new clients in the pilot arm
    state: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    started_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)


class PilotAssignmentRow(Base):
    """A client's arm in a pilot, recorded at the first ask."""

    __tablename__ = "pilot_assignments"
    __table_args__ = (CheckConstraint(choice_check("arm", ARMS), name="arm"),)

    pilot_id: Mapped[int] = mapped_column(Integer, ForeignKey("pilots.id"), primary_key=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    arm: Mapped[str] = mapped_column(String(8))
    assigned_at: Mapped[datetime]
