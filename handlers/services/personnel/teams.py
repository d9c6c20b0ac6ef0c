"""Teams (docs/teams.md): a team lead's team, its clients and KPIs (/team); managers' teams and promotions
(/teams).

A team lead may hand a client of the team to another member of the team (or take them on): the client and the
new counselor are both checked against the team, read afresh, and the handing over itself is casework's
(`Casework.reassign`: the audit entry, the notices). KPIs come from `KpiDesk` (docs/kpis.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.personnel.kpis import Period, PeriodKind, StaffKpis, TeamAverage, team_average
from domain.personnel.teams import Standing, TeamProblem, join_problem, may_hand_to, promotion_candidates
from domain.staff import Permission, Role, ensure, parse_role
from handlers.services.casework.casework import REGISTERED, Casework, InReach
from handlers.services.feature import FeatureService
from handlers.services.personnel.kpis import KpiDesk
from handlers.services.staff import StaffOffice
from handlers.services.staff_access import Actor
from storage.records import ClientProfile, StaffMember
from storage.repositories.teams import TeamsRepository

TEAM_CHANGED_ACTION = "staff.team_changed"
CLIENTS_SHOWN = 30


class Handover(StrEnum):
    DONE = "done"
    SAME = "same"  # the client is with that counselor already
    NOT_IN_TEAM = "not_in_team"  # the client or the counselor is not (any more) in the lead's team


class Placement(StrEnum):
    DONE = "done"
    REMOVED = "removed"
    NO_MEMBER = "no_member"  # no single staff member with that reference
    NO_LEAD = "no_lead"
    NOT_IN_A_TEAM = "not_in_a_team"


@dataclass(frozen=True)
class Team:
    lead: StaffMember
    members: list[StaffMember]

    @property
    def ids(self) -> list[UUID]:
        return [self.lead.account_id, *(m.account_id for m in self.members)]


@dataclass(frozen=True)
class TeamClient:
    client_id: UUID
    profile: ClientProfile | None
    counselor_id: UUID


@dataclass(frozen=True)
class TeamKpis:
    period: Period
    current: Period  # today's period of the same kind (the keyboard goes no later)
    figures: list[StaffKpis]
    average: TeamAverage


@dataclass
class TeamDesk(FeatureService):
    @property
    def _teams(self) -> TeamsRepository:
        return TeamsRepository.of(self.uow)

    def _kpis(self) -> KpiDesk:
        return KpiDesk(uow=self.uow, settings=self.settings, clock=self.clock, i18n=self.i18n)

    # --- the lead's team ---------------------------------------------------------------------------------------
    async def team_of(self, lead_id: UUID | None) -> Team | None:
        """The team `lead_id` leads (active members only); None when they are not an active team lead."""
        lead = None if lead_id is None else await self.uow.staff.get(lead_id)
        if lead is None or not lead.active or lead.role != Role.TEAM_LEAD.value:
            return None
        members = []
        for membership in await self._teams.members_of(lead.account_id):
            member = await self.uow.staff.get(membership.member_id)
            if member is not None and member.active:
                members.append(member)
        return Team(lead, members)

    async def clients(self, team: Team) -> list[TeamClient]:
        found: list[TeamClient] = []
        for counselor in team.ids:
            for assignment in await self.uow.assignments.clients_of(counselor):
                found.append(
                    TeamClient(assignment.client_id, await self.uow.profiles.get(assignment.client_id), counselor)
                )
        return found

    async def hand_over(self, actor: Actor, casework: Casework, client_id: UUID | None, to: UUID | None) -> Handover:
        """Give a client of the team to another member of it (or the lead); raises PermissionDenied without
        LEAD_TEAM."""
        ensure(actor.role, Permission.LEAD_TEAM)
        team = await self.team_of(actor.account_id)
        if team is None or client_id is None or to is None:
            return Handover.NOT_IN_TEAM
        assignment = await self.uow.assignments.get(client_id)
        profile = await self.uow.profiles.get(client_id)
        members = [m.account_id for m in team.members]
        if (
            assignment is None
            or profile is None
            or profile.status not in REGISTERED
            or assignment.counselor_id not in team.ids
            or not may_hand_to(team.lead.account_id, members, to)
        ):
            return Handover.NOT_IN_TEAM
        if assignment.counselor_id == to:
            return Handover.SAME
        counselor = next(m for m in [team.lead, *team.members] if m.account_id == to)
        await casework.reassign(actor, InReach(client_id, profile, assignment), counselor)
        return Handover.DONE

    async def team_kpis(self, team: Team, period: Period | None = None) -> TeamKpis:
        """The team's figures for `period` (None: this month; a future period: the current one of its kind)."""
        kpis = self._kpis()
        current = kpis.current(PeriodKind.MONTH if period is None else period.kind)
        shown = current if period is None else min(period, current)
        figures = await kpis.for_period(shown, team.ids)
        return TeamKpis(shown, current, figures, team_average(figures, shown))

    # --- managers ----------------------------------------------------------------------------------------------
    async def all_teams(self) -> tuple[list[Team], list[StaffMember]]:
        """Every active team lead's team, and the active counselors in no team."""
        staff = await self.uow.staff.list(active_only=True)
        teams = [await self.team_of(m.account_id) for m in staff if m.role == Role.TEAM_LEAD.value]
        placed = {member.account_id for team in teams if team is not None for member in team.members}
        loose = [m for m in staff if m.role == Role.COUNSELOR.value and m.account_id not in placed]
        return [team for team in teams if team is not None], loose

    async def find_member(self, reference: str) -> StaffMember | None:
        reference = reference.strip().lstrip("#").lower()
        found = [m for m in await self.uow.staff.list(active_only=True) if m.account_id.hex.startswith(reference)]
        return found[0] if len(found) == 1 and reference else None

    async def place(
        self, actor: Actor, member_ref: str, lead_ref: str
    ) -> tuple[Placement | TeamProblem, StaffMember | None]:
        """Put a counselor in a team lead's team (moving them from any other); raises PermissionDenied without
        MANAGE_TEAMS."""
        ensure(actor.role, Permission.MANAGE_TEAMS)
        member, lead = await self.find_member(member_ref), await self.find_member(lead_ref)
        if member is None:
            return Placement.NO_MEMBER, None
        if lead is None:
            return Placement.NO_LEAD, member
        current = await self._teams.lead_of(member.account_id)
        problem = join_problem(parse_role(lead.role), parse_role(member.role), current, lead.account_id)
        if problem is not None:
            return problem, member
        await self._teams.put(member.account_id, lead.account_id, now=self.now(), by=actor.account_id)
        await self.uow.audit.record(
            action=TEAM_CHANGED_ACTION,
            now=self.now(),
            actor_account_id=actor.account_id,
            subject_account_id=member.account_id,
        )
        return Placement.DONE, member

    async def take_out(self, actor: Actor, member_ref: str) -> tuple[Placement, StaffMember | None]:
        ensure(actor.role, Permission.MANAGE_TEAMS)
        member = await self.find_member(member_ref)
        if member is None:
            return Placement.NO_MEMBER, None
        if not await self._teams.remove(member.account_id):
            return Placement.NOT_IN_A_TEAM, member
        await self.uow.audit.record(
            action=TEAM_CHANGED_ACTION,
            now=self.now(),
            actor_account_id=actor.account_id,
            subject_account_id=member.account_id,
        )
        return Placement.REMOVED, member

    # --- promotion ---------------------------------------------------------------------------------------------
    async def promotion_suggestions(self) -> list[StaffMember]:
        """Active counselors the promotion rule picks from the last two full months' KPIs."""
        counselors = [m for m in await self.uow.staff.list(active_only=True) if m.role == Role.COUNSELOR.value]
        if not counselors:
            return []
        kpis = self._kpis()
        last = kpis.current(PeriodKind.MONTH).previous()
        ids = [m.account_id for m in counselors]
        periods = []
        for period in (last.previous(), last):
            periods.append([_standing(figure) for figure in await kpis.for_period(period, ids)])
        chosen = promotion_candidates(periods, ids)
        by_id = {m.account_id: m for m in counselors}
        return [by_id[member] for member in chosen]

    async def promote(self, actor: Actor, staff: StaffOffice, member_id: UUID | None) -> StaffMember | None:
        """Make the counselor a team lead through the staff office (its checks and its audit entry); None when
        the member is not an active counselor (any more). Raises PermissionDenied without MANAGE_TEAMS, or when
        the role is beyond the actor's authority."""
        ensure(actor.role, Permission.MANAGE_TEAMS)
        member = None if member_id is None else await self.uow.staff.get(member_id)
        if member is None or not member.active or member.role != Role.COUNSELOR.value:
            return None
        await self._teams.remove(member.account_id)  # a lead leads; they are no longer someone else's member
        return await staff.change_role(actor, member, Role.TEAM_LEAD)


def _standing(figure: StaffKpis) -> Standing:
    satisfaction = None if figure.satisfaction is None else float(figure.satisfaction)
    return Standing(figure.staff_id, satisfaction, figure.reached_dating, figure.complaints_upheld)
