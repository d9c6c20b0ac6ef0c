"""Appraisal KPIs (`services.kpis`): each staff member's figures for a month or a quarter, ranked, and the team's
average. The stable entry points for other features (team leads, promotion suggestions) are `for_period` and
`team_average`; docs/kpis.md describes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from domain.personnel.kpis import (
    Period,
    PeriodKind,
    RatingTally,
    StaffActivity,
    StaffKpis,
    TeamAverage,
    appraise,
    ranked,
    team_average,
)
from domain.staff import Role
from handlers.services.feature import FeatureService
from storage.records import StaffMember
from storage.repositories.kpis import KpisRepository, Window

# Who is appraised when no list of members is given: the roles that serve clients day to day (role codes, so a
# row of a role this build does not know is simply left out).
APPRAISED_ROLES = frozenset({Role.COUNSELOR.value, "team_lead", Role.CUSTOMER_SERVICE.value})


@dataclass(frozen=True)
class KpiBoard:
    """The ranked figures of the appraised members for one period, their names, and the team's average."""

    period: Period
    figures: list[StaffKpis]
    names: dict[UUID, str | None]
    average: TeamAverage


@dataclass(frozen=True)
class MemberReport:
    """One member's figures for a period and the period before, with the team's average for the period."""

    member: StaffMember
    current: StaffKpis
    previous: StaffKpis
    average: TeamAverage


@dataclass
class KpiDesk(FeatureService):
    def current(self, kind: PeriodKind) -> Period:
        """The month or quarter of today (the agency's calendar)."""
        return Period.containing(kind, self.today())

    async def for_period(self, period: Period, staff_ids: Collection[UUID] | None = None) -> list[StaffKpis]:
        """The figures of each member for `period`, best first (`domain.personnel.kpis.ranked`).

        `staff_ids`: exactly these members (whatever their role, active or not); None: every active member of
        an appraised role (`APPRAISED_ROLES`). A member with nothing recorded gets zeros.
        """
        if staff_ids is None:
            ids = await KpisRepository.of(self.uow).active_staff(APPRAISED_ROLES)
        else:
            ids = list(staff_ids)
        activity = await self._activity(period, ids)  # every metric family once for all of them
        return ranked(appraise(activity[staff_id], period) for staff_id in ids)

    async def team_average(self, period: Period, staff_ids: Collection[UUID] | None = None) -> TeamAverage:
        """The average member of `for_period(period, staff_ids)`."""
        return team_average(await self.for_period(period, staff_ids), period)

    async def appraised(self) -> list[StaffMember]:
        members = await self.uow.staff.list(active_only=True)
        return [m for m in members if m.role in APPRAISED_ROLES]

    async def board(self, period: Period) -> KpiBoard:
        members = await self.appraised()
        figures = await self.for_period(period, [m.account_id for m in members])
        return KpiBoard(
            period=period,
            figures=figures,
            names={m.account_id: m.display_name for m in members},
            average=team_average(figures, period),
        )

    async def member_report(self, staff_id: UUID, period: Period) -> MemberReport | None:
        """A member's figures for `period` and the one before; None for someone who is not on the staff."""
        member = await self.uow.staff.get(staff_id)
        if member is None:
            return None
        (current,) = await self.for_period(period, [staff_id])
        (previous,) = await self.for_period(period.previous(), [staff_id])
        return MemberReport(member=member, current=current, previous=previous, average=await self.team_average(period))

    def window(self, period: Period) -> Window:
        start, end = period.bounds(self.zone)
        return Window(start, end, period.first_day, period.end_day, self.now(), self.today())

    async def _activity(self, period: Period, members: list[UUID]) -> dict[UUID, StaffActivity]:
        """Every metric family counted once for all of `members` (one query each)."""
        if not members:
            return {}
        ids = frozenset(members)
        kpis = KpisRepository.of(self.uow)
        window = self.window(period)
        served = await kpis.clients_served(window, ids)
        introductions = await kpis.introductions(window, ids)
        dates = await kpis.dates_held(window, ids)
        dating = await kpis.reached_dating(window, ids)
        claims: dict[UUID, list[timedelta]] = defaultdict(list)
        replies: dict[UUID, list[timedelta]] = defaultdict(list)
        for timing in await kpis.handoff_timings(window, ids):
            claims[timing.staff_id].append(timing.claimed_at - timing.requested_at)
            if timing.first_reply_at is not None:
                replies[timing.staff_id].append(timing.first_reply_at - timing.requested_at)
        done = await kpis.follow_ups_done(window, ids)
        missed = await kpis.follow_ups_missed(window, ids)
        survey = await kpis.survey_scores(window, ids)
        relay = await kpis.relay_ratings(window, ids)
        date_feedback = await kpis.date_ratings(window, ids)
        upheld = await kpis.complaints_upheld(window, ids)
        penalties = await kpis.penalties(window, ids)
        none = RatingTally()
        return {
            staff_id: StaffActivity(
                staff_id=staff_id,
                clients_served=served.get(staff_id, 0),
                introductions=introductions.get(staff_id, 0),
                dates_held=dates.get(staff_id, 0),
                reached_dating=dating.get(staff_id, 0),
                claim_waits=tuple(claims[staff_id]),
                reply_waits=tuple(replies[staff_id]),
                follow_ups_done=done.get(staff_id, 0),
                follow_ups_missed=missed.get(staff_id, 0),
                survey=survey.get(staff_id, none),
                relay=relay.get(staff_id, none),
                date_feedback=date_feedback.get(staff_id, none),
                complaints_upheld=upheld.get(staff_id, 0),
                penalties=penalties.get(staff_id, 0),
            )
            for staff_id in members
        }
