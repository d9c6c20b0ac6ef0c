"""Teams (小组): a team lead (组长) and the counselors of their team; and who is suggested for promotion.

A team is its lead: each counselor belongs to at most one team, named by its lead's account. A team lead sees
the clients of their team's members (and their own), may hand one of them to another member of the team, and
sees the team's KPIs. Managers put counselors in teams and decide promotions; the rule below only suggests.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.staff import Role

PROMOTION_PERIODS = 2  # consecutive periods a counselor must stand out in
PROMOTION_SHARE = 4  # the top quarter (quartile) of the counselors ranked


class TeamProblem(StrEnum):
    NOT_A_LEAD = "not_a_lead"  # the lead named is not an active team lead
    NOT_A_COUNSELOR = "not_a_counselor"  # only (active) counselors join a team
    ALREADY_THERE = "already_there"  # the counselor is in this team already
    NOT_IN_TEAM = "not_in_team"  # the member named is not in this team


def join_problem(
    lead_role: Role | None, member_role: Role | None, current_lead: UUID | None, lead: UUID
) -> TeamProblem | None:
    """Why the member may not join `lead`'s team (None: they may; a member of another team moves)."""
    if lead_role is not Role.TEAM_LEAD:
        return TeamProblem.NOT_A_LEAD
    if member_role is not Role.COUNSELOR:
        return TeamProblem.NOT_A_COUNSELOR
    if current_lead == lead:
        return TeamProblem.ALREADY_THERE
    return None


def may_hand_to(lead: UUID, members: Iterable[UUID], counselor: UUID) -> bool:
    """A team lead hands a client only to a member of their team, or takes them on themself."""
    return counselor == lead or counselor in set(members)


# --- Promotion --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One counselor's figures for one period, as the KPIs give them."""

    member_id: UUID
    satisfaction: float | None  # the period's average satisfaction (None: nobody rated them)
    dating_couples: int  # clients of theirs who reached "dating" or beyond in the period
    complaints_upheld: int


def top_quartile(values: Mapping[UUID, float]) -> set[UUID]:
    """The members ranked in the top quarter by `values` (at least one member; ties at the cut stay in)."""
    if not values:
        return set()
    ranked = sorted(values.values(), reverse=True)
    cut = ranked[max(math.ceil(len(ranked) / PROMOTION_SHARE), 1) - 1]
    return {member for member, value in values.items() if value >= cut}


def _standouts(period: Sequence[Standing]) -> set[UUID]:
    rated = {s.member_id: s.satisfaction for s in period if s.satisfaction is not None}
    couples = {s.member_id: float(s.dating_couples) for s in period if s.dating_couples > 0}
    clean = {s.member_id for s in period if s.complaints_upheld == 0}
    return top_quartile(rated) & top_quartile(couples) & clean


def promotion_candidates(periods: Sequence[Sequence[Standing]], counselors: Iterable[UUID]) -> list[UUID]:
    """Counselors in the top quarter on satisfaction and on dating couples in each of the last
    PROMOTION_PERIODS periods (`periods` oldest first), with no upheld complaint in them."""
    pool = set(counselors)
    if len(periods) < PROMOTION_PERIODS:
        return []
    eligible = set(pool)
    for period in periods[-PROMOTION_PERIODS:]:
        eligible &= _standouts([s for s in period if s.member_id in pool])  # ranked among counselors only
    return [s.member_id for s in periods[-1] if s.member_id in eligible]
