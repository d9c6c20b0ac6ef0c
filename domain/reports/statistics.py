"""Order statistics of durations: median and 90th percentile (linear interpolation between ranks)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """The `share` quantile (0..1) of ascending values, interpolated between neighbouring ranks."""
    if not sorted_values:
        raise ValueError("no values")
    position = (len(sorted_values) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass(frozen=True)
class DurationStats:
    """How long something took: how many, the median and the 90th percentile (None without any); the 10th
    percentile and the quartiles for box plots."""

    count: int
    median: timedelta | None
    p90: timedelta | None
    p10: timedelta | None = None
    q1: timedelta | None = None
    q3: timedelta | None = None

    @classmethod
    def of(cls, durations: Sequence[timedelta]) -> DurationStats:
        if not durations:
            return cls(0, None, None)
        seconds = sorted(d.total_seconds() for d in durations)
        at = [timedelta(seconds=percentile(seconds, share)) for share in (0.5, 0.9, 0.1, 0.25, 0.75)]
        return cls(len(seconds), *at)
