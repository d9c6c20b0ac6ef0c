"""Management reports: the targets managers set on a wait, each week's measure against them, and the indexes
the reports read other features' tables by (migration 0025)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.reports.stages import INTERVALS
from storage.models.accounts import ConsentRow
from storage.models.base import Base, account_reference, choice_check
from storage.models.matching import CaseStageRow, SuggestionRow


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


# The reports find each client's first consent and first suggestion by grouping per client and keeping the
# earliest moment (storage/repositories/reports.py): an index on (client, moment) answers that from the index
# alone, in client order, without reading the rows. The tables belong to their features (accounts, matching);
# each index attaches itself to its columns' table.
Index("ix_consents_account_id_given_at", ConsentRow.account_id, ConsentRow.given_at)
Index("ix_suggestions_asker_id_created_at", SuggestionRow.asker_id, SuggestionRow.created_at)
# Stays in a stage pair each change with the case's next one (a window per client ordered by the moment and the
# id); the stage rides along so the window reads the index alone.
Index(
    "ix_case_stages_account_id_changed_at_id_stage",
    CaseStageRow.account_id,
    CaseStageRow.changed_at,
    CaseStageRow.id,
    CaseStageRow.stage,
)
