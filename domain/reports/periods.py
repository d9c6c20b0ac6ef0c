"""Report periods: a half-open span of time [start, end), the one before it, and the named choices of /report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class PeriodChoice(StrEnum):
    LAST_7_DAYS = "7d"
    LAST_30_DAYS = "30d"
    LAST_QUARTER = "q"  # the last 91 days
    LAST_YEAR = "y"  # the last 365 days


_DAYS = {
    PeriodChoice.LAST_7_DAYS: 7,
    PeriodChoice.LAST_30_DAYS: 30,
    PeriodChoice.LAST_QUARTER: 91,
    PeriodChoice.LAST_YEAR: 365,
}


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a period ends after it starts")

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - self.length, self.start)

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def period_of(choice: PeriodChoice, now: datetime) -> Period:
    """The period `choice` names, ending at the start of tomorrow's day (UTC) after `now`."""
    end = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    return Period(end - timedelta(days=_DAYS[choice]), end)


def week_start(moment: datetime) -> datetime:
    """The Monday 00:00 UTC of the week holding `moment`."""
    day = datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return day - timedelta(days=day.weekday())
