"""Management reports: the targets managers set on a wait, and each week's measure against them."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.reports.stages import INTERVALS
from storage.models.base import Base, account_reference, choice_check


class ReportTargetRow(Base):
    """ "<interval> within <seconds> for <share_percent> % of cases"; a newer target on the same interval
    retires the older one (`retired_at`), which keeps its weekly measures."""

    __tablename__ = "report_targets"
    __table_args__ = (
        CheckConstraint(choice_check("interval", tuple(INTERVALS)), name="interval"),
        CheckConstraint("within_seconds > 0", name="within"),
        CheckConstraint("share_percent BETWEEN 1 AND 100", name="share"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interval: Mapped[str] = mapped_column(String(32))
    within_seconds: Mapped[int] = mapped_column(Integer)
    share_percent: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class ReportTargetWeekRow(Base):
    """One weekly measure of a target: of the cases whose outcome is known, how many met the time."""

    __tablename__ = "report_target_weeks"

    target_id: Mapped[int] = mapped_column(ForeignKey("report_targets.id"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    met: Mapped[int] = mapped_column(Integer)
    decided: Mapped[int] = mapped_column(Integer)
    on_target: Mapped[bool | None] = mapped_column(Boolean)
    measured_at: Mapped[datetime]
