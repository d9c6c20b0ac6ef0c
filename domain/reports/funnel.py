"""The funnel (转化漏斗): how far each client of a cohort got, step by step, with conversion and drop-off.

A client's history names the first moment each step was reached (found in the tables: the account, the first
consent, the profile's activation, the first suggestion, the first introduction (mutual interest), the first
contact exchange, the first date, the case stages dating and meeting families or later). A later step implies
the earlier ones (a counselor may move a case to "dating" by hand), so a client counts at every step up to the
furthest one reached by the moment the report looks at (`as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Step(StrEnum):
    VISITED = "visited"
    CONSENTED = "consented"
    REGISTERED = "registered"
    SUGGESTED = "suggested"
    MUTUAL_INTEREST = "mutual_interest"
    INTRODUCED = "introduced"
    FIRST_DATE = "first_date"
    DATING = "dating"
    LONG_TERM = "long_term"


STEPS = tuple(Step)
STEP_INDEX = {step: index for index, step in enumerate(STEPS)}


class Dimension(StrEnum):
    """What a cohort is cut by."""

    MONTH = "month"  # the month the client arrived (YYYY-MM)
    CHANNEL = "channel"  # the acquisition channel's code, or "direct"
    TIER = "tier"
    COUNSELOR = "counselor"  # the assigned counselor's id, or "none"
    REGION = "region"  # the region code, or "unknown"


DIRECT = "direct"
NO_COUNSELOR = "none"
UNKNOWN_REGION = "unknown"


@dataclass(frozen=True)
class ClientHistory:
    """One client: when they arrived, the first time they reached each step, and their cohort values."""

    client_id: object
    arrived_at: datetime
    reached: Mapping[Step, datetime]
    cohort: Mapping[Dimension, str]

    def depth(self, as_of: datetime) -> int:
        """The index in STEPS of the furthest step reached by `as_of` (0: visited). Looks only at the steps the
        client reached (a few), as a report places tens of thousands of clients."""
        return max((STEP_INDEX[step] for step, at in self.reached.items() if at <= as_of), default=0)

    def in_cohort(self, cohort: Mapping[Dimension, str]) -> bool:
        return all(self.cohort.get(dimension) == value for dimension, value in cohort.items())


@dataclass(frozen=True)
class FunnelStep:
    step: Step
    count: int
    conversion: float | None  # of the step before (None for the first step, or when the step before has none)
    dropped: int  # lost since the step before
    of_visitors: float | None  # of everyone who arrived


@dataclass(frozen=True)
class Funnel:
    steps: tuple[FunnelStep, ...]

    @property
    def visitors(self) -> int:
        return self.steps[0].count

    def count(self, step: Step) -> int:
        return self.steps[STEPS.index(step)].count

    def conversion(self, step: Step) -> float | None:
        return self.steps[STEPS.index(step)].conversion


def reached_counts(depths: Iterable[int], steps: int) -> list[int]:
    """How many of `depths` (each the index of the furthest of `steps` steps reached) reached each step."""
    counts = [0] * steps
    for depth in depths:
        counts[depth] += 1
    for index in range(steps - 2, -1, -1):  # reaching a step means reaching every step before it
        counts[index] += counts[index + 1]
    return counts


def funnel_of_depths(depths: Iterable[int]) -> Funnel:
    counts = reached_counts(depths, len(STEPS))
    steps: list[FunnelStep] = []
    for index, step in enumerate(STEPS):
        before = counts[index - 1] if index else None
        steps.append(
            FunnelStep(
                step=step,
                count=counts[index],
                conversion=None if not before else counts[index] / before,
                dropped=0 if before is None else before - counts[index],
                of_visitors=counts[index] / counts[0] if counts[0] else None,
            )
        )
    return Funnel(tuple(steps))


@dataclass(frozen=True)
class Placed:
    """A client's cohort values and how far they got (the index in STEPS), worked out once per report."""

    cohort: Mapping[Dimension, str]
    depth: int


def placed(histories: Iterable[ClientHistory], *, as_of: datetime) -> list[Placed]:
    return [Placed(history.cohort, history.depth(as_of)) for history in histories]


def funnel_of_placed(clients: Iterable[Placed]) -> Funnel:
    return funnel_of_depths(client.depth for client in clients)


def funnel(
    histories: Iterable[ClientHistory], *, as_of: datetime, cohort: Mapping[Dimension, str] | None = None
) -> Funnel:
    """The funnel of the clients in `histories` (those of `cohort` only, when given) as it stood at `as_of`."""
    return funnel_of_depths(h.depth(as_of) for h in histories if cohort is None or h.in_cohort(cohort))


def funnels_by(clients: Iterable[Placed], dimension: Dimension) -> dict[str, Funnel]:
    """One funnel per value of `dimension`, in one pass over placed clients."""
    depths: dict[str, list[int]] = {}
    for client in clients:
        value = client.cohort.get(dimension)
        if value is not None:
            depths.setdefault(value, []).append(client.depth)
    return {value: funnel_of_depths(values) for value, values in sorted(depths.items())}
