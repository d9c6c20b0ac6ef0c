"""The KPI rules without a database: periods in the agency's time zone, each figure's arithmetic, ranking and
the team's average."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.personnel.kpis import (
    FOLLOW_UP_ACTION,
    SERVICE_ACTIONS,
    Period,
    PeriodKind,
    RatingTally,
    StaffActivity,
    appraise,
    average_rating,
    follow_up_share,
    median_minutes,
    parse_period,
    rank_points,
    ranked,
    satisfaction,
    team_average,
)
from handlers.services.casework import casework

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period(PeriodKind.MONTH, 2026, 3)
Q1 = Period(PeriodKind.QUARTER, 2026, 1)


def test_periods_start_and_end_at_the_agencys_midnight() -> None:
    assert MARCH.bounds(SHANGHAI) == (
        datetime(2026, 3, 1, tzinfo=SHANGHAI),
        datetime(2026, 4, 1, tzinfo=SHANGHAI),
    )
    start, end = Q1.bounds(SHANGHAI)
    assert start.astimezone(UTC) == datetime(2025, 12, 31, 16, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 31, 16, tzinfo=UTC)
    assert Period(PeriodKind.QUARTER, 2026, 4).end_day == date(2027, 1, 1)
    assert Period(PeriodKind.MONTH, 2026, 12).end_day == date(2027, 1, 1)


def test_periods_step_back_and_forth_across_years() -> None:
    assert Period(PeriodKind.MONTH, 2026, 1).previous() == Period(PeriodKind.MONTH, 2025, 12)
    assert Period(PeriodKind.QUARTER, 2026, 1).previous() == Period(PeriodKind.QUARTER, 2025, 4)
    assert Period(PeriodKind.QUARTER, 2025, 4).following() == Q1
    assert Period.containing(PeriodKind.QUARTER, date(2026, 3, 31)) == Q1
    assert Period.containing(PeriodKind.MONTH, date(2026, 3, 31)) == MARCH


def test_period_codes_round_trip() -> None:
    assert (MARCH.code, Q1.code) == ("2026-03", "2026-Q1")
    assert parse_period("2026-03") == MARCH
    assert parse_period(" 2026-q1 ") == Q1
    assert [parse_period(text) for text in ("2026-13", "2026-Q5", "march", "")] == [None] * 4


def test_median_minutes() -> None:
    assert median_minutes([]) is None
    assert median_minutes([timedelta(minutes=1), timedelta(minutes=9), timedelta(minutes=3)]) == Decimal("3.0")
    assert median_minutes([timedelta(seconds=30), timedelta(seconds=60)]) == Decimal("0.8")  # 45 s, rounded half up


def test_follow_up_share() -> None:
    assert follow_up_share(0, 0) is None
    assert follow_up_share(2, 1) == Decimal("66.7")
    assert follow_up_share(0, 4) == Decimal("0.0")


def test_average_rating_and_satisfaction_weigh_every_rating_the_same() -> None:
    assert average_rating(RatingTally()) is None
    combined = satisfaction(RatingTally(1, 5), RatingTally(3, 6), RatingTally())
    assert combined == RatingTally(4, 11)
    assert average_rating(combined) == Decimal("2.8")


def test_rank_points_reward_outcomes_and_subtract_complaints_and_penalties() -> None:
    activity = StaffActivity(
        UUID(int=1), clients_served=4, introductions=2, dates_held=1, reached_dating=1, complaints_upheld=1, penalties=1
    )
    assert rank_points(activity) == 10 + 6 + 2 + 4 - 10 - 10


def test_ranking_breaks_ties_by_satisfaction_then_clients() -> None:
    period = MARCH
    happy = appraise(StaffActivity(UUID(int=1), introductions=1, relay=RatingTally(1, 5)), period)
    plain = appraise(StaffActivity(UUID(int=2), introductions=1), period)
    busy = appraise(StaffActivity(UUID(int=3), clients_served=3), period)
    best = appraise(StaffActivity(UUID(int=4), reached_dating=1), period)
    assert [k.staff_id.int for k in ranked([plain, busy, happy, best])] == [4, 1, 3, 2]


def test_team_average_counts_everyone_but_averages_only_known_medians() -> None:
    first = appraise(StaffActivity(UUID(int=1), introductions=3, claim_waits=(timedelta(minutes=4),)), MARCH)
    second = appraise(StaffActivity(UUID(int=2), introductions=0), MARCH)
    average = team_average([first, second], MARCH)
    assert (average.members, average.introductions, average.claim_minutes) == (2, Decimal("1.5"), Decimal("4.0"))
    assert average.satisfaction is None
    empty = team_average([], MARCH)
    assert (empty.members, empty.points, empty.claim_minutes) == (0, Decimal("0.0"), None)


def test_the_actions_that_count_as_service_are_the_casework_audit_codes() -> None:
    assert FOLLOW_UP_ACTION == casework.FOLLOW_UP_SET
    assert set(SERVICE_ACTIONS) == {
        casework.NOTE_ADDED,
        casework.STAGE_CHANGED,
        casework.FOLLOW_UP_SET,
        casework.CURATED,
    }
