"""The pilots' rules: stable random assignment, measuring each arm, and a comparison that finds a known effect
and reports one where there is none at about the stated rate (seeded simulations)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.reports.pilots import (
    ALPHA,
    Arm,
    Metric,
    Outcome,
    Verdict,
    arm_of,
    compare,
    eligible,
    measured,
    suggestions_per_day,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def uuids(count: int, seed: int) -> list[UUID]:
    rng = random.Random(seed)
    return [UUID(int=rng.getrandbits(128), version=4) for _ in range(count)]


def test_assignment_is_stable_and_follows_the_share() -> None:
    clients = uuids(10_000, 1)
    first = [arm_of(7, client, 20) for client in clients]
    assert first == [arm_of(7, client, 20) for client in clients]  # the same at every ask
    share = first.count(Arm.PILOT) / len(clients)
    assert 0.18 < share < 0.22
    other_pilot = [arm_of(8, client, 20) for client in clients]
    assert other_pilot != first  # another pilot draws afresh
    assert [arm_of(7, client, 50) for client in clients].count(Arm.PILOT) / len(clients) == pytest.approx(0.5, abs=0.02)


def test_only_clients_registered_after_the_start_take_part() -> None:
    assert eligible(NOW, NOW)
    assert eligible(NOW + timedelta(seconds=1), NOW)
    assert not eligible(NOW - timedelta(seconds=1), NOW)
    assert not eligible(None, NOW)


def test_more_suggestions_adds_to_the_tiers_number() -> None:
    assert suggestions_per_day(3, True) == 5
    assert suggestions_per_day(3, False) == 3
    assert suggestions_per_day(0, True) == 0  # a tier without suggestions stays without


def test_measuring_counts_only_clients_old_enough_and_caps_times() -> None:
    day = timedelta(days=1)
    outcomes = [
        Outcome(Arm.PILOT, NOW - 10 * day, NOW - 8 * day),  # introduced after 2 days
        Outcome(Arm.PILOT, NOW - 40 * day, None),  # never: capped at 30 days, not within 7
        Outcome(Arm.CONTROL, NOW - 10 * day, NOW - 1 * day),  # after 9 days: not within 7
        Outcome(Arm.CONTROL, NOW - 3 * day, NOW - 2 * day),  # too recent for either metric
    ]
    assert measured(Metric.INTRODUCED_7D, outcomes, NOW) == {Arm.PILOT: [1.0, 0.0], Arm.CONTROL: [0.0]}
    assert measured(Metric.DAYS_TO_INTRODUCTION, outcomes, NOW) == {Arm.PILOT: [30.0], Arm.CONTROL: []}


def shares(rng: random.Random, n: int, p: float) -> list[float]:
    return [1.0 if rng.random() < p else 0.0 for _ in range(n)]


def days(rng: random.Random, n: int, mean: float) -> list[float]:
    return [min(30.0, rng.expovariate(1 / mean)) for _ in range(n)]


def test_a_known_effect_on_the_share_is_found() -> None:
    rng = random.Random(11)
    comparison = compare(Metric.INTRODUCED_7D, shares(rng, 400, 0.45), shares(rng, 400, 0.30))
    assert comparison.verdict is Verdict.BETTER and comparison.significant
    assert comparison.p_value is not None and comparison.p_value < 0.001
    assert comparison.low is not None and comparison.high is not None and comparison.difference is not None
    assert 0 < comparison.low < 0.15 < comparison.high  # the true difference lies in the interval
    assert comparison.low < comparison.difference < comparison.high


def test_a_known_effect_on_the_time_is_found_in_the_right_direction() -> None:
    rng = random.Random(12)
    comparison = compare(Metric.DAYS_TO_INTRODUCTION, days(rng, 300, 6.0), days(rng, 300, 10.0))
    assert comparison.verdict is Verdict.BETTER  # fewer days is better
    assert comparison.high is not None and comparison.high < 0
    worse = compare(Metric.DAYS_TO_INTRODUCTION, days(rng, 300, 10.0), days(rng, 300, 6.0))
    assert worse.verdict is Verdict.WORSE


def test_a_known_effect_is_found_in_most_runs() -> None:
    rng = random.Random(13)
    found = sum(
        compare(Metric.INTRODUCED_7D, shares(rng, 300, 0.42), shares(rng, 300, 0.30), seed=run).verdict
        is Verdict.BETTER
        for run in range(100)
    )
    assert found >= 80  # the power of this design is about 0.9


@pytest.mark.parametrize(("metric", "runs"), [(Metric.INTRODUCED_7D, 400), (Metric.DAYS_TO_INTRODUCTION, 200)])
def test_no_effect_is_reported_significant_at_about_the_stated_rate(metric: Metric, runs: int) -> None:
    rng = random.Random(14)
    false_positives = 0
    covered = 0
    for run in range(runs):
        if metric is Metric.INTRODUCED_7D:
            pilot, control = shares(rng, 200, 0.3), shares(rng, 200, 0.3)
        else:
            pilot, control = days(rng, 200, 8.0), days(rng, 200, 8.0)
        comparison = compare(metric, pilot, control, seed=run)
        false_positives += comparison.significant
        assert comparison.low is not None and comparison.high is not None
        covered += comparison.low <= 0 <= comparison.high
    rate = false_positives / runs
    assert 0.03 <= rate <= 0.08, rate  # ALPHA = 0.05
    assert covered / runs >= 1 - ALPHA - 0.04  # the interval holds the true difference (none) about 95% of the time


def test_too_few_clients_make_no_claim() -> None:
    comparison = compare(Metric.INTRODUCED_7D, [1.0] * 9, [0.0] * 50)
    assert comparison.verdict is Verdict.TOO_FEW and not comparison.significant and comparison.p_value is None
    assert comparison.pilot_value == 1.0 and comparison.control_value == 0.0


def test_identical_arms_are_no_difference() -> None:
    comparison = compare(Metric.INTRODUCED_7D, [0.0] * 20, [0.0] * 20)
    assert comparison.verdict is Verdict.NO_DIFFERENCE and comparison.p_value == 1.0
    assert (comparison.low, comparison.high) == (0.0, 0.0)
