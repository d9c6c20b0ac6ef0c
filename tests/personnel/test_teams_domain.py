"""The team rules and the promotion suggestion, on hand-made figures; the team lead's place in the permission
table."""

from __future__ import annotations

from uuid import UUID, uuid4

from domain.personnel.teams import (
    Standing,
    TeamProblem,
    join_problem,
    may_hand_to,
    promotion_candidates,
    top_quartile,
)
from domain.staff import GRANTABLE, PERMISSIONS, Permission, Role

A, B, C, D, E, F, G, H = (uuid4() for _ in range(8))


def period(*rows: tuple[UUID, float | None, int, int]) -> list[Standing]:
    return [Standing(member, satisfaction, dating, upheld) for member, satisfaction, dating, upheld in rows]


def test_the_top_quartile_of_eight_is_two_and_ties_at_the_cut_stay_in() -> None:
    values = {A: 5.0, B: 4.8, C: 4.8, D: 4.0, E: 3.0, F: 2.0, G: 1.0, H: 1.0}
    assert top_quartile(values) == {A, B, C}
    assert top_quartile({A: 1.0}) == {A}
    assert top_quartile({}) == set()


def test_a_counselor_on_top_in_satisfaction_and_dating_couples_two_months_running_is_suggested() -> None:
    first = period((A, 4.9, 3, 0), (B, 4.0, 1, 0), (C, 3.5, 0, 0), (D, 3.0, 1, 0))
    second = period((A, 4.8, 2, 0), (B, 4.7, 0, 0), (C, 3.0, 1, 0), (D, 2.0, 0, 0))
    assert promotion_candidates([first, second], [A, B, C, D]) == [A]


def test_one_good_month_is_not_enough() -> None:
    first = period((A, 3.0, 0, 0), (B, 4.0, 1, 0), (C, 5.0, 2, 0), (D, 3.0, 1, 0))
    second = period((A, 5.0, 3, 0), (B, 4.0, 1, 0), (C, 3.0, 0, 0), (D, 3.0, 1, 0))
    assert promotion_candidates([first, second], [A, B, C, D]) == []
    assert promotion_candidates([second], [A, B, C, D]) == []


def test_an_upheld_complaint_rules_a_counselor_out() -> None:
    first = period((A, 4.9, 3, 0), (B, 4.0, 1, 0), (C, 3.5, 0, 0), (D, 3.0, 1, 0))
    second = period((A, 4.8, 2, 1), (B, 4.7, 0, 0), (C, 3.0, 1, 0), (D, 2.0, 0, 0))
    assert promotion_candidates([first, second], [A, B, C, D]) == []


def test_nobody_rated_or_no_couple_is_no_standout() -> None:
    first = period((A, None, 3, 0), (B, 4.0, 0, 0))
    assert promotion_candidates([first, first], [A, B]) == []


def test_only_active_counselors_of_a_lead_s_team_may_join_it() -> None:
    lead = uuid4()
    assert join_problem(Role.TEAM_LEAD, Role.COUNSELOR, None, lead) is None
    assert join_problem(Role.TEAM_LEAD, Role.COUNSELOR, uuid4(), lead) is None  # moves from another team
    assert join_problem(Role.TEAM_LEAD, Role.COUNSELOR, lead, lead) is TeamProblem.ALREADY_THERE
    assert join_problem(Role.COUNSELOR, Role.COUNSELOR, None, lead) is TeamProblem.NOT_A_LEAD
    assert join_problem(Role.TEAM_LEAD, Role.CUSTOMER_SERVICE, None, lead) is TeamProblem.NOT_A_COUNSELOR
    assert join_problem(Role.TEAM_LEAD, Role.TEAM_LEAD, None, lead) is TeamProblem.NOT_A_COUNSELOR


def test_a_lead_hands_clients_within_the_team_only() -> None:
    lead, member, stranger = uuid4(), uuid4(), uuid4()
    assert may_hand_to(lead, [member], member)
    assert may_hand_to(lead, [member], lead)
    assert not may_hand_to(lead, [member], stranger)


def test_a_team_lead_has_a_counselor_s_permissions_and_leads_a_team() -> None:
    lead = PERMISSIONS[Role.TEAM_LEAD]
    assert PERMISSIONS[Role.COUNSELOR] < lead
    assert lead - PERMISSIONS[Role.COUNSELOR] == {Permission.LEAD_TEAM}
    assert Permission.ASSIGN_CLIENTS not in lead and Permission.VIEW_KPIS not in lead
    assert Permission.MANAGE_TEAMS in PERMISSIONS[Role.MANAGER]
    assert Permission.APPROVE_COMMISSIONS in PERMISSIONS[Role.MANAGER]
    assert Permission.SET_COMMISSIONS not in PERMISSIONS[Role.MANAGER]
    assert Role.TEAM_LEAD in GRANTABLE[Role.MANAGER] and GRANTABLE[Role.TEAM_LEAD] == frozenset()
