"""Pilots of a flow change: a flag the code asks, tried on a share of new clients, then compared with the rest.

A manager starts a pilot of one `Flag` on `share` percent of the clients who register after it started; each
such client's arm (`Arm.PILOT` or `Arm.CONTROL`) follows from a hash of the pilot's id and the client's id,
so it is random across clients, the same at every ask and in every instance, and nothing random is stored
(`arm_of`). The comparison (`compare`) measures the pilot's `Metric` in each arm over the clients registered
long enough ago to be measured, with a significance test and a bootstrap confidence interval from scipy.
Rolling out makes the flag the default for everyone; stopping returns everyone to the old flow.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

ALPHA = 0.05  # the significance level of every comparison (a 95% confidence interval)
MIN_PER_ARM = 10  # fewer measured clients in an arm: too early to say anything
EXPECTED_FOR_CHI2 = 5  # a 2x2 table with a smaller expected count is tested exactly (Fisher)
BOOTSTRAP_RESAMPLES = 999
EXTRA_SUGGESTIONS = 2  # Flag.MORE_SUGGESTIONS: this many more suggestions a day than the tier's number
FOLLOW_UP_AFTER_DAYS = 1  # Flag.FOLLOW_UP_CALL: the counselor's call is due the day after registration
MIN_SHARE, MAX_SHARE = 1, 90  # percent of new clients in the pilot arm


class Flag(StrEnum):
    """A flow change the code asks about (`Pilots.variant`)."""

    MORE_SUGGESTIONS = "more_suggestions"  # EXTRA_SUGGESTIONS more suggestions a day
    FOLLOW_UP_CALL = "follow_up_call"  # a counselor is assigned and calls the day after registration


class Arm(StrEnum):
    PILOT = "pilot"  # the new flow
    CONTROL = "control"  # the current flow


class PilotState(StrEnum):
    RUNNING = "running"
    ROLLED_OUT = "rolled_out"  # the flag is the default for every client
    STOPPED = "stopped"  # the old flow for every client


class Metric(StrEnum):
    """What a pilot is judged on."""

    INTRODUCED_7D = "introduced_7d"  # the share of clients introduced within 7 days of registration
    DAYS_TO_INTRODUCTION = "days_to_introduction"  # days from registration to the first introduction (capped)


class Verdict(StrEnum):
    BETTER = "better"  # the pilot arm is significantly better
    WORSE = "worse"  # significantly worse
    NO_DIFFERENCE = "no_difference"  # no significant difference (yet)
    TOO_FEW = "too_few"  # fewer than MIN_PER_ARM measured clients in an arm


FLAGS = tuple(flag.value for flag in Flag)
ARMS = tuple(arm.value for arm in Arm)
PILOT_STATES = tuple(state.value for state in PilotState)
METRICS = tuple(metric.value for metric in Metric)

# How long after registration a client is measured on each metric: the window, and the cap of a time.
WINDOW: dict[Metric, timedelta] = {
    Metric.INTRODUCED_7D: timedelta(days=7),
    Metric.DAYS_TO_INTRODUCTION: timedelta(days=30),
}
HIGHER_IS_BETTER: dict[Metric, bool] = {Metric.INTRODUCED_7D: True, Metric.DAYS_TO_INTRODUCTION: False}


class PilotProblem(StrEnum):
    SHARE = "share"  # outside MIN_SHARE..MAX_SHARE
    FLAG_BUSY = "flag_busy"  # the flag already has a running or rolled-out pilot


def share_problem(share: int) -> PilotProblem | None:
    return None if MIN_SHARE <= share <= MAX_SHARE else PilotProblem.SHARE


def arm_of(pilot_id: int, client_id: UUID, share: int) -> Arm:
    """The client's arm in the pilot: the first 8 bytes of SHA-256 of "pilot:client" give a bucket 0-9999; the
    lowest `share` percent of buckets are the pilot arm. Random across clients, stable for one client."""
    digest = hashlib.sha256(f"{pilot_id}:{client_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 10_000
    return Arm.PILOT if bucket < share * 100 else Arm.CONTROL


def eligible(registered_at: datetime | None, started_at: datetime) -> bool:
    """Only clients who registered once the pilot had started take part."""
    return registered_at is not None and registered_at >= started_at


def suggestions_per_day(base: int, more: bool) -> int:
    """The daily number of suggestions, with Flag.MORE_SUGGESTIONS on or off."""
    return base + EXTRA_SUGGESTIONS if more and base > 0 else base


@dataclass(frozen=True)
class Outcome:
    """One client of a pilot: their arm, when they registered and when they were first introduced."""

    arm: Arm
    registered_at: datetime
    introduced_at: datetime | None


def measured(metric: Metric, outcomes: Sequence[Outcome], now: datetime) -> dict[Arm, list[float]]:
    """Each arm's values of `metric` over the clients registered at least the metric's window ago (later ones
    cannot be measured yet): 1.0/0.0 for a share, days (capped at the window) for a time."""
    window = WINDOW[metric]
    values: dict[Arm, list[float]] = {Arm.PILOT: [], Arm.CONTROL: []}
    for outcome in outcomes:
        if outcome.registered_at > now - window:
            continue
        delay = None if outcome.introduced_at is None else outcome.introduced_at - outcome.registered_at
        if metric is Metric.INTRODUCED_7D:
            values[outcome.arm].append(1.0 if delay is not None and delay <= window else 0.0)
        else:
            capped = window if delay is None or delay > window else delay
            values[outcome.arm].append(capped / timedelta(days=1))
    return values


@dataclass(frozen=True)
class Comparison:
    """Pilot against control on one metric. `pilot_value`/`control_value` are a share (0-1) or a median in days;
    `difference` is pilot minus control, with its confidence interval (`low`, `high`) at 1 - ALPHA."""

    metric: Metric
    pilot_n: int
    control_n: int
    pilot_value: float | None
    control_value: float | None
    difference: float | None
    low: float | None
    high: float | None
    p_value: float | None
    significant: bool
    verdict: Verdict


def _statistic(metric: Metric, values: Sequence[float]) -> float:
    return statistics.fmean(values) if metric is Metric.INTRODUCED_7D else statistics.median(values)


def _p_value(metric: Metric, pilot: Sequence[float], control: Sequence[float]) -> float:
    if metric is Metric.INTRODUCED_7D:
        yes_p, yes_c = int(sum(pilot)), int(sum(control))
        table = np.array([[yes_p, len(pilot) - yes_p], [yes_c, len(control) - yes_c]])
        if (table.sum(axis=0) == 0).any():
            return 1.0  # everyone or no one in both arms: nothing differs
        expected = stats.contingency.expected_freq(table)
        if expected.min() < EXPECTED_FOR_CHI2:
            return float(stats.fisher_exact(table).pvalue)
        # without continuity correction, Pearson's chi-square on a 2x2 table is the two-proportion z-test
        return float(stats.chi2_contingency(table, correction=False).pvalue)
    if len(set(pilot) | set(control)) == 1:
        return 1.0
    return float(stats.mannwhitneyu(pilot, control, alternative="two-sided").pvalue)


def _interval(metric: Metric, pilot: Sequence[float], control: Sequence[float], seed: int) -> tuple[float, float]:
    """The percentile bootstrap interval of pilot minus control (the difference of shares or of medians)."""
    if len(set(pilot)) == 1 and len(set(control)) == 1:
        difference = pilot[0] - control[0]
        return difference, difference

    def gap(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
        if metric is Metric.INTRODUCED_7D:
            return np.asarray(np.mean(x, axis=axis) - np.mean(y, axis=axis))
        return np.asarray(np.median(x, axis=axis) - np.median(y, axis=axis))

    result = stats.bootstrap(
        (np.asarray(pilot), np.asarray(control)),
        gap,
        confidence_level=1 - ALPHA,
        n_resamples=BOOTSTRAP_RESAMPLES,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(seed),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def compare(metric: Metric, pilot: Sequence[float], control: Sequence[float], *, seed: int = 0) -> Comparison:
    """Pilot against control: the test (a share: the two-proportion z-test, Fisher's exact test for small
    counts; a time: Mann-Whitney U), the interval (bootstrap) and the verdict in the metric's good direction.
    `seed` makes the interval reproducible (the same figures every time the report is asked)."""
    if len(pilot) < MIN_PER_ARM or len(control) < MIN_PER_ARM:
        return Comparison(
            metric,
            len(pilot),
            len(control),
            _statistic(metric, pilot) if pilot else None,
            _statistic(metric, control) if control else None,
            None,
            None,
            None,
            None,
            False,
            Verdict.TOO_FEW,
        )
    pilot_value, control_value = _statistic(metric, pilot), _statistic(metric, control)
    p_value = _p_value(metric, pilot, control)
    low, high = _interval(metric, pilot, control, seed)
    significant = p_value < ALPHA
    difference = pilot_value - control_value
    direction = statistics.fmean(pilot) - statistics.fmean(control)  # medians may tie where the ranks differ
    if not significant or direction == 0:
        verdict = Verdict.NO_DIFFERENCE
    elif (direction > 0) == HIGHER_IS_BETTER[metric]:
        verdict = Verdict.BETTER
    else:
        verdict = Verdict.WORSE
    return Comparison(
        metric, len(pilot), len(control), pilot_value, control_value, difference, low, high, p_value, significant,
        verdict,
    )
