"""Targets a manager sets on a wait: "<interval> within <time> for <share> of cases", e.g. registration to the
first introduction within 7 days for 80 % of clients, and the progress against them.

A case counts when its outcome is known: it ended within the time (met), or it ended later or is still waiting
after the time has passed (missed). Cases still waiting inside the time are left out. The weekly measure looks
at the cases that began in the week that ended `within` (rounded up to whole days) before the week's Monday,
so every one of them is known.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.reports.periods import Period, week_start
from domain.reports.stages import Interval, Span

MAX_WITHIN = timedelta(days=365)
_WITHIN = re.compile(r"^(\d{1,4})\s*([mhd])$")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


class TargetError(ValueError):
    """A target that cannot be set: an unknown interval, a time or a share out of range."""


@dataclass(frozen=True)
class Target:
    interval: Interval
    within: timedelta
    share: float  # 0 < share <= 1

    def __post_init__(self) -> None:
        if not timedelta(0) < self.within <= MAX_WITHIN:
            raise TargetError("the time must be between a minute and a year")
        if not 0 < self.share <= 1:
            raise TargetError("the share must be between 1 and 100 %")


def parse_target(interval: str, within: str, percent: str) -> Target:
    """A target from what a manager typed: `registration_to_introduction 7d 80` (m, h or d; a percentage)."""
    try:
        chosen = Interval(interval.strip().lower())
    except ValueError:
        raise TargetError("unknown interval") from None
    match = _WITHIN.match(within.strip().lower())
    if match is None:
        raise TargetError("the time is a number with m, h or d")
    if not percent.strip().rstrip("%").isdigit():
        raise TargetError("the share is a whole percentage")
    return Target(chosen, int(match.group(1)) * _UNITS[match.group(2)], int(percent.strip().rstrip("%")) / 100)


@dataclass(frozen=True)
class Progress:
    met: int
    decided: int

    @property
    def share(self) -> float | None:
        return self.met / self.decided if self.decided else None

    def on_target(self, target: Target) -> bool | None:
        """Whether enough cases met the time (None: no case known yet)."""
        share = self.share
        return None if share is None else share >= target.share


def progress(spans: Iterable[Span], target: Target, window: Period, *, as_of: datetime) -> Progress:
    """How many of the spans that began in `window` met the target's time, of those whose outcome is known."""
    met = decided = 0
    for span in spans:
        if not window.holds(span.started):
            continue
        ended = span.ended if span.ended is not None and span.ended <= as_of else None
        if ended is not None and ended - span.started <= target.within:
            met += 1
            decided += 1
        elif ended is not None or as_of - span.started > target.within:
            decided += 1
    return Progress(met, decided)


def measured_week(target: Target, moment: datetime) -> Period:
    """The week the weekly measure made at `moment` looks at (see the module's notes)."""
    lag = timedelta(days=math.ceil(target.within / timedelta(days=1)))
    end = week_start(moment) - lag
    return Period(end - timedelta(days=7), end)


def slipped(current: Progress, previous_on_target: bool | None, target: Target) -> bool:
    """Whether this week's measure is below the target when the last one was not (an alert's reason)."""
    return current.on_target(target) is False and previous_on_target is not False


@dataclass(frozen=True)
class StoredTarget:
    id: int
    target: Target
    created_at: datetime


@dataclass(frozen=True)
class TargetWeek:
    target_id: int
    week_start: date
    progress: Progress
    on_target: bool | None
