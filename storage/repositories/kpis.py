"""The counts behind the appraisal KPIs: one query per metric family for every staff member at once (never one
per member), aggregated in SQL; only the handoff waits come back row by row (medians need the values).

A client's outcomes (introductions, dates, stages, date feedback) count for their assigned counselor
(`client_assignments`); the rest for the member who acted (claimed, replied, wrote the note) or who is named
(a survey's counselor, a complaint's subject, a penalty's member). See docs/kpis.md.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Executable,
    and_,
    func,
    or_,
    select,
    union,
    union_all,
)

from domain.dates import DateState
from domain.personnel.kpis import FOLLOW_UP_ACTION, SERVICE_ACTIONS, RatingTally
from domain.pipeline import Stage
from domain.quality import AppealDecision, Category, Outcome
from storage.models.audit import AuditLogRow
from storage.models.casework import ClientAssignmentRow, HandoffRow, RelayMessageRow
from storage.models.dates import DateFeedbackRow, DateRow
from storage.models.matching import CaseStageRow, IntroductionRow
from storage.models.quality import ComplaintRow, StaffPenaltyRow, SurveyResponseRow
from storage.models.staff import StaffMemberRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork

DATING_AND_BEYOND = (Stage.DATING, Stage.MEETING_FAMILIES, Stage.ENGAGED_OR_MARRIED)
UPHELD = (Outcome.UPHELD, Outcome.PARTLY_UPHELD)

Counts = dict[UUID, int]
Tallies = dict[UUID, RatingTally]


@dataclass(frozen=True)
class HandoffTiming:
    """A handoff claimed in the period: who claimed it, when the client asked, the claim, the first reply."""

    staff_id: UUID
    requested_at: datetime
    claimed_at: datetime
    first_reply_at: datetime | None


@dataclass(frozen=True)
class Window:
    """The period's bounds: [start, end) as moments, [first_day, end_day) as days, and `now`/`today` (what has
    not happened yet is not counted: a date in the future, a follow-up due later)."""

    start: datetime
    end: datetime
    first_day: date
    end_day: date
    now: datetime
    today: date


class KpisRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> KpisRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def _counts(self, statement: Executable, staff: Collection[UUID] | None) -> Counts:
        rows: Any = await self._session.execute(statement)
        return {member: int(count) for member, count in rows if _wanted(member, staff)}

    async def _tallies(self, statement: Executable, staff: Collection[UUID] | None) -> Tallies:
        rows: Any = await self._session.execute(statement)
        return {
            member: RatingTally(int(count), int(total or 0)) for member, count, total in rows if _wanted(member, staff)
        }

    async def active_staff(self, roles: Collection[str]) -> list[UUID]:
        """The active members holding one of `roles` (ids only: nothing to decrypt)."""
        rows = await self._session.scalars(
            select(StaffMemberRow.account_id)
            .where(StaffMemberRow.active.is_(True), StaffMemberRow.role.in_(list(roles)))
            .order_by(StaffMemberRow.created_at)
        )
        return list(rows.all())

    # --- Clients served ---------------------------------------------------------------------------------

    async def clients_served(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """Distinct clients each member served: a handoff they claimed, or a casework action of theirs on the
        client's record (a note, a stage, a follow-up, a pick), in the period."""
        claimed = select(HandoffRow.counselor_id.label("staff"), HandoffRow.client_id.label("client")).where(
            HandoffRow.claimed_at >= window.start,
            HandoffRow.claimed_at < window.end,
            HandoffRow.counselor_id.is_not(None),
        )
        acted = select(AuditLogRow.actor_account_id, AuditLogRow.subject_account_id).where(
            AuditLogRow.at >= window.start,
            AuditLogRow.at < window.end,
            AuditLogRow.action.in_(SERVICE_ACTIONS),
            AuditLogRow.actor_account_id.is_not(None),
            AuditLogRow.subject_account_id.is_not(None),
        )
        pairs = union(claimed, acted).subquery()
        return await self._counts(
            select(pairs.c.staff, func.count()).group_by(pairs.c.staff),  # union: each pair once
            staff,
        )

    # --- Outcomes of the member's clients ---------------------------------------------------------------

    async def introductions(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """Introductions made in the period with a client of the member's on either side (once each)."""
        period = and_(IntroductionRow.created_at >= window.start, IntroductionRow.created_at < window.end)
        sides = union_all(
            select(IntroductionRow.id.label("ref"), IntroductionRow.first_id.label("client")).where(period),
            select(IntroductionRow.id, IntroductionRow.second_id).where(period),
        ).subquery()
        return await self._per_counselor(sides.c.ref, sides.c.client, staff)

    async def dates_held(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """Confirmed dates whose time fell in the period (and has come), with a client of the member's."""
        until = min(window.end, window.now)
        held = and_(DateRow.state == DateState.CONFIRMED, DateRow.starts_at >= window.start, DateRow.starts_at < until)
        sides = union_all(
            select(DateRow.id.label("ref"), DateRow.first_id.label("client")).where(held),
            select(DateRow.id, DateRow.second_id).where(held),
        ).subquery()
        return await self._per_counselor(sides.c.ref, sides.c.client, staff)

    async def reached_dating(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """The member's clients whose case entered "dating" or a later stage in the period, for the first time."""
        first = (  # each client's first moment in one of those stages, if it falls in the period
            select(CaseStageRow.account_id.label("client"))
            .where(CaseStageRow.stage.in_(DATING_AND_BEYOND), CaseStageRow.changed_at < window.end)
            .group_by(CaseStageRow.account_id)
            .having(func.min(CaseStageRow.changed_at) >= window.start)
            .subquery()
        )
        return await self._per_counselor(first.c.client, first.c.client, staff)

    async def _per_counselor(
        self, ref: ColumnElement[UUID], client: ColumnElement[UUID], staff: Collection[UUID] | None
    ) -> Counts:
        assignment = ClientAssignmentRow
        return await self._counts(
            select(assignment.counselor_id, func.count(ref.distinct()))
            .join(assignment, assignment.client_id == client)
            .group_by(assignment.counselor_id),
            staff,
        )

    # --- Handoffs ---------------------------------------------------------------------------------------

    async def handoff_timings(self, window: Window, staff: Collection[UUID] | None = None) -> list[HandoffTiming]:
        """Every handoff claimed in the period, with the claimer's first message in its conversation."""
        first_reply = (
            select(func.min(RelayMessageRow.created_at))
            .where(
                RelayMessageRow.handoff_id == HandoffRow.id,
                RelayMessageRow.from_client.is_(False),
                RelayMessageRow.author_id == HandoffRow.counselor_id,
            )
            .scalar_subquery()
        )
        rows = await self._session.execute(
            select(HandoffRow.counselor_id, HandoffRow.created_at, HandoffRow.claimed_at, first_reply).where(
                HandoffRow.claimed_at >= window.start,
                HandoffRow.claimed_at < window.end,
                HandoffRow.counselor_id.is_not(None),
            )
        )
        return [
            HandoffTiming(staff_id, requested, claimed, _aware(replied))
            for staff_id, requested, claimed, replied in rows
            if staff_id is not None and claimed is not None and _wanted(staff_id, staff)
        ]

    # --- Follow-ups -------------------------------------------------------------------------------------

    async def follow_ups_done(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """Follow-ups the member recorded in the period (a follow-up set again, or cleared, on a client)."""
        return await self._counts(
            select(AuditLogRow.actor_account_id, func.count())
            .where(
                AuditLogRow.action == FOLLOW_UP_ACTION,
                AuditLogRow.at >= window.start,
                AuditLogRow.at < window.end,
                AuditLogRow.actor_account_id.is_not(None),
            )
            .group_by(AuditLogRow.actor_account_id),
            staff,
        )

    async def follow_ups_missed(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """The member's clients whose follow-up fell due in the period (before today) and is still pending."""
        until = min(window.end_day, window.today)
        assignment = ClientAssignmentRow
        return await self._counts(
            select(assignment.counselor_id, func.count())
            .where(
                assignment.follow_up_on >= window.first_day,
                assignment.follow_up_on < until,
            )
            .group_by(assignment.counselor_id),
            staff,
        )

    # --- Satisfaction -----------------------------------------------------------------------------------

    async def survey_scores(self, window: Window, staff: Collection[UUID] | None = None) -> Tallies:
        """The monthly survey's counselor scores answered in the period, per counselor named."""
        survey = SurveyResponseRow
        return await self._tallies(
            select(survey.counselor_id, func.count(), func.sum(survey.counselor_score))
            .where(
                survey.answered_at >= window.start,
                survey.answered_at < window.end,
                survey.counselor_score.is_not(None),
                survey.counselor_id.is_not(None),
            )
            .group_by(survey.counselor_id),
            staff,
        )

    async def relay_ratings(self, window: Window, staff: Collection[UUID] | None = None) -> Tallies:
        """Clients' ratings (1-5) of conversations with the member, given in the period."""
        return await self._tallies(
            select(HandoffRow.counselor_id, func.count(), func.sum(HandoffRow.rating))
            .where(
                HandoffRow.rated_at >= window.start,
                HandoffRow.rated_at < window.end,
                HandoffRow.rating.is_not(None),
                HandoffRow.counselor_id.is_not(None),
            )
            .group_by(HandoffRow.counselor_id),
            staff,
        )

    async def date_ratings(self, window: Window, staff: Collection[UUID] | None = None) -> Tallies:
        """The member's clients' ratings (1-5) of their dates, asked in the period."""
        feedback, assignment = DateFeedbackRow, ClientAssignmentRow
        return await self._tallies(
            select(assignment.counselor_id, func.count(), func.sum(feedback.rating))
            .join(assignment, assignment.client_id == feedback.author_id)
            .where(
                feedback.asked_at >= window.start,
                feedback.asked_at < window.end,
                feedback.rating.is_not(None),
            )
            .group_by(assignment.counselor_id),
            staff,
        )

    # --- Quality ----------------------------------------------------------------------------------------

    async def complaints_upheld(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """Complaints about the member resolved in the period as upheld or partly upheld."""
        return await self._counts(
            select(ComplaintRow.about_id, func.count())
            .where(
                ComplaintRow.category == Category.STAFF,
                ComplaintRow.outcome.in_(UPHELD),
                ComplaintRow.resolved_at >= window.start,
                ComplaintRow.resolved_at < window.end,
                ComplaintRow.about_id.is_not(None),
            )
            .group_by(ComplaintRow.about_id),
            staff,
        )

    async def penalties(self, window: Window, staff: Collection[UUID] | None = None) -> Counts:
        """Penalties recorded against the member in the period, except those lifted on appeal."""
        penalty = StaffPenaltyRow
        return await self._counts(
            select(penalty.staff_id, func.count())
            .where(
                penalty.created_at >= window.start,
                penalty.created_at < window.end,
                or_(penalty.appeal_decision.is_(None), penalty.appeal_decision != AppealDecision.LIFTED),
            )
            .group_by(penalty.staff_id),
            staff,
        )


def _wanted(member: UUID | None, staff: Collection[UUID] | None) -> bool:
    """Every member, or one of `staff`. The period picks the rows in SQL (by its index) and the members are
    picked here: a condition on the members in SQL made SQLite read each member's whole history instead."""
    return member is not None and (staff is None or member in staff)


def _aware(value: datetime | None) -> datetime | None:
    """A scalar subquery's MIN loses the column type on SQLite: give a naive UTC value its zone back."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
