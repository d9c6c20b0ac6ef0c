"""Training: each attempt at a module's quiz (docs/training.md). A passed attempt is the member's pass of that
module's version; the answers are the indices of the chosen answers, one digit each (codes, not personal data).
Rows go with the member's account when it is shredded."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, account_reference


class TrainingAttemptRow(Base):
    __tablename__ = "training_attempts"
    __table_args__ = (Index("ix_training_attempts_module_passed", "module", "passed"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)
    module: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    answers: Mapped[str] = mapped_column(String(16), default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    correct: Mapped[int | None] = mapped_column(Integer)  # None on a pass carried over from the acknowledgement
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
