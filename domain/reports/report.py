"""One management report of a period, as the views show it and the charts and exports draw it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.reports.bottleneck import Bottleneck
from domain.reports.events import EventFunnel
from domain.reports.funnel import Dimension, Funnel
from domain.reports.periods import Period
from domain.reports.stages import StageTimes
from domain.reports.targets import Progress, StoredTarget, Target, TargetWeek


@dataclass(frozen=True)
class TargetStatus:
    stored: StoredTarget
    progress: Progress  # in the report's period
    weeks: tuple[TargetWeek, ...]  # the stored weekly measures, oldest first

    @property
    def target(self) -> Target:
        return self.stored.target


@dataclass(frozen=True)
class FlowReport:
    period: Period
    as_of: datetime
    funnel: Funnel
    previous_funnel: Funnel
    cohorts: dict[Dimension, dict[str, Funnel]]
    times: StageTimes
    bottleneck: Bottleneck | None
    targets: tuple[TargetStatus, ...]
    counselor_names: dict[str, str]  # counselor id (as in the cohorts) -> display name
    events: EventFunnel  # the events held in the period, as a channel (domain/reports/events.py)
    previous_events: EventFunnel


@dataclass(frozen=True)
class WeeklyMeasure:
    target: StoredTarget
    week: Period
    progress: Progress
    slipped: bool
