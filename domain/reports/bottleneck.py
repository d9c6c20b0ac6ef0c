"""The bottleneck (瓶颈): the step of the flow that holds clients back most, and the cohorts where it is worst.

Two candidates:
- a wait against its target: the target whose share of cases within the time falls furthest below the target
  share (only targets that are missed);
- a conversion: the funnel step whose conversion falls furthest below the agency's norm for that step
  (`EXPECTED_CONVERSION`, the lowest ratio of actual to norm); steps with fewer than `min_clients` before
  them are not judged.
A missed target is named first (a manager set it); otherwise the weakest conversion. The worst cohorts are the
three values of any cohort dimension with at least `min_clients` where the same figure is lowest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.reports.funnel import STEPS, Dimension, Funnel, Placed, Step, funnels_by
from domain.reports.periods import Period
from domain.reports.stages import Interval, Span
from domain.reports.targets import Target, progress

# What the agency expects of each step (of the step before); a step well below its norm is a bottleneck.
EXPECTED_CONVERSION: Mapping[Step, float] = {
    Step.CONSENTED: 0.80,
    Step.REGISTERED: 0.65,
    Step.SUGGESTED: 0.90,
    Step.MUTUAL_INTEREST: 0.40,
    Step.INTRODUCED: 0.75,
    Step.FIRST_DATE: 0.50,
    Step.DATING: 0.35,
    Step.LONG_TERM: 0.20,
}
MIN_CLIENTS = 20
WORST_COHORTS = 3


class BottleneckKind(StrEnum):
    CONVERSION = "conversion"
    TIME = "time"


@dataclass(frozen=True)
class CohortFigure:
    dimension: Dimension
    value: str
    figure: float  # the conversion, or the share within the target's time
    clients: int


@dataclass(frozen=True)
class Bottleneck:
    kind: BottleneckKind
    step: Step | None  # a conversion bottleneck
    interval: Interval | None  # a time bottleneck
    actual: float
    expected: float
    worst: tuple[CohortFigure, ...]


def conversion_bottleneck(
    overall: Funnel,
    clients: Sequence[Placed],
    *,
    min_clients: int = MIN_CLIENTS,
    cohorts: Mapping[Dimension, Mapping[str, Funnel]] | None = None,
) -> Bottleneck | None:
    """`cohorts`: the funnels of `clients` by each dimension, when the caller has them already."""
    best: tuple[float, Step, float] | None = None
    for index, step in enumerate(STEPS[1:], start=1):
        conversion = overall.steps[index].conversion
        if conversion is None or overall.steps[index - 1].count < min_clients:
            continue
        ratio = conversion / EXPECTED_CONVERSION[step]
        if best is None or ratio < best[0]:
            best = (ratio, step, conversion)
    if best is None:
        return None
    _ratio, step, conversion = best
    index = STEPS.index(step)
    figures: list[CohortFigure] = []
    for dimension in Dimension:
        by_value = funnels_by(clients, dimension) if cohorts is None else cohorts[dimension]
        for value, cohort_funnel in by_value.items():
            before = cohort_funnel.steps[index - 1].count
            figure = cohort_funnel.steps[index].conversion
            if before >= min_clients and figure is not None:
                figures.append(CohortFigure(dimension, value, figure, before))
    return Bottleneck(BottleneckKind.CONVERSION, step, None, conversion, EXPECTED_CONVERSION[step], _worst(figures))


def time_bottleneck(
    spans: Mapping[Interval, Sequence[Span]],
    targets: Iterable[Target],
    period: Period,
    *,
    as_of: datetime,
    min_clients: int = MIN_CLIENTS,
) -> Bottleneck | None:
    best: tuple[float, Target, float] | None = None
    for target in targets:
        share = progress(spans.get(target.interval, ()), target, period, as_of=as_of).share
        if share is None or share >= target.share:
            continue
        ratio = share / target.share
        if best is None or ratio < best[0]:
            best = (ratio, target, share)
    if best is None:
        return None
    _ratio, target, share = best
    by_cohort: dict[tuple[Dimension, str], list[Span]] = {}
    for span in spans.get(target.interval, ()):
        for dimension, value in span.cohort.items():
            by_cohort.setdefault((dimension, value), []).append(span)
    figures: list[CohortFigure] = []
    for (dimension, value), cohort_spans in by_cohort.items():
        cohort_progress = progress(cohort_spans, target, period, as_of=as_of)
        if cohort_progress.decided >= min_clients and cohort_progress.share is not None:
            figures.append(CohortFigure(dimension, value, cohort_progress.share, cohort_progress.decided))
    return Bottleneck(BottleneckKind.TIME, None, target.interval, share, target.share, _worst(figures))


def _worst(figures: list[CohortFigure]) -> tuple[CohortFigure, ...]:
    figures.sort(key=lambda f: (f.figure, -f.clients, f.dimension.value, f.value))
    return tuple(figures[:WORST_COHORTS])


def bottleneck(time: Bottleneck | None, conversion: Bottleneck | None) -> Bottleneck | None:
    """The one to name: a missed target first, else the weakest conversion."""
    return time if time is not None else conversion
