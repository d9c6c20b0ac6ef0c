"""Stage times: how long clients stay in each case stage, and how long the key waits take, in a period and the
one before it.

- A stay in a stage runs from the change into it to the next change of the same case. A stay counts for the
  period it began in, once it has ended (a case still in the stage is not measured yet); "closed" has no stay.
- An interval (registration to the first introduction, a handoff to its claim, a claim to the counselor's first
  reply) counts for the period it began in, once it has ended by the moment the report looks at (`as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.pipeline import Stage
from domain.reports.funnel import Dimension
from domain.reports.periods import Period
from domain.reports.statistics import DurationStats


class Interval(StrEnum):
    REGISTRATION_TO_INTRODUCTION = "registration_to_introduction"
    HANDOFF_TO_CLAIM = "handoff_to_claim"
    CLAIM_TO_FIRST_REPLY = "claim_to_first_reply"


INTERVALS = tuple(Interval)
TIMED_STAGES = tuple(stage for stage in Stage if stage is not Stage.CLOSED)


@dataclass(frozen=True)
class Span:
    """One wait: when it began, when it ended (None: not yet), and the cohort of the client it concerns."""

    started: datetime
    ended: datetime | None
    cohort: Mapping[Dimension, str]

    def duration(self, as_of: datetime) -> timedelta | None:
        if self.ended is None or self.ended > as_of:
            return None
        return self.ended - self.started


@dataclass(frozen=True)
class StageChange:
    client_id: object
    stage: Stage
    at: datetime


def stays(changes: Iterable[StageChange]) -> dict[Stage, list[Span]]:
    """Each case's stays per stage, from its changes (any order)."""
    by_client: dict[object, list[StageChange]] = {}
    for change in changes:
        by_client.setdefault(change.client_id, []).append(change)
    result: dict[Stage, list[Span]] = {}
    for history in by_client.values():
        history.sort(key=lambda change: change.at)
        for index, change in enumerate(history):
            if change.stage is Stage.CLOSED:
                continue
            ended = history[index + 1].at if index + 1 < len(history) else None
            result.setdefault(change.stage, []).append(Span(change.at, ended, {}))
    return result


def stats_in(spans: Sequence[Span], period: Period, *, as_of: datetime) -> DurationStats:
    """The durations of the spans that began in `period` and had ended by `as_of`."""
    durations = [
        duration for span in spans if period.holds(span.started) and (duration := span.duration(as_of)) is not None
    ]
    return DurationStats.of(durations)


@dataclass(frozen=True)
class Compared:
    current: DurationStats
    previous: DurationStats

    @property
    def median_change(self) -> timedelta | None:
        """How much the median grew (negative: shrank) since the previous period."""
        if self.current.median is None or self.previous.median is None:
            return None
        return self.current.median - self.previous.median


@dataclass(frozen=True)
class StageTimes:
    stages: dict[Stage, Compared]
    intervals: dict[Interval, Compared]


def stays_compared(
    stage_spans: Mapping[Stage, Sequence[Span]], period: Period, *, as_of: datetime
) -> dict[Stage, Compared]:
    """Each stage's stays that began in `period` against those that began in the period before."""
    before = period.previous()
    return {
        stage: Compared(
            stats_in(stage_spans.get(stage, ()), period, as_of=as_of),
            stats_in(stage_spans.get(stage, ()), before, as_of=as_of),
        )
        for stage in TIMED_STAGES
    }


def durations_compared(
    current: Mapping[Stage, Sequence[timedelta]], previous: Mapping[Stage, Sequence[timedelta]]
) -> dict[Stage, Compared]:
    """The same from the durations themselves (what the database works out for a large period)."""
    return {
        stage: Compared(DurationStats.of(current.get(stage, ())), DurationStats.of(previous.get(stage, ())))
        for stage in TIMED_STAGES
    }


def stage_times(
    stages: Mapping[Stage, Compared],
    interval_spans: Mapping[Interval, Sequence[Span]],
    period: Period,
    *,
    as_of: datetime,
) -> StageTimes:
    """Median and p90 of each interval, in `period` and in the one before, beside the stages' stays."""
    before = period.previous()
    return StageTimes(
        stages=dict(stages),
        intervals={
            interval: Compared(
                stats_in(interval_spans.get(interval, ()), period, as_of=as_of),
                stats_in(interval_spans.get(interval, ()), before, as_of=as_of),
            )
            for interval in INTERVALS
        },
    )
