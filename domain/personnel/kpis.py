"""Appraisal KPIs (绩效考核): what each staff member achieved in a month or a quarter, from what the bot records.

The storage layer counts the events of a period per member (`StaffActivity`); the functions here turn them into
the figures people read (`StaffKpis`): medians of waiting times, the share of follow-ups kept, average ratings,
ranking points, the team's average. Each metric is one small function, so each can be tested on its own.
Pure Python: periods are calendar months and quarters in the agency's time zone.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

ONE_PLACE = Decimal("0.1")

# Audit-log actions (handlers.services.casework) that count as serving the client named in the entry.
FOLLOW_UP_ACTION = "client.follow_up_set"
SERVICE_ACTIONS = ("client.note_added", "client.stage_changed", FOLLOW_UP_ACTION, "client.curated")


# --- Periods ------------------------------------------------------------------------------------------------


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


_CODE = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4]))$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (`number` 1-12) or quarter (`number` 1-4) of the agency's calendar."""

    kind: PeriodKind
    year: int
    number: int

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        number = day.month if kind is PeriodKind.MONTH else (day.month - 1) // 3 + 1
        return cls(kind, day.year, number)

    @property
    def months(self) -> int:
        return 1 if self.kind is PeriodKind.MONTH else 3

    @property
    def first_day(self) -> date:
        month = self.number if self.kind is PeriodKind.MONTH else (self.number - 1) * 3 + 1
        return date(self.year, month, 1)

    @property
    def end_day(self) -> date:
        """The first day after the period."""
        first = self.first_day
        month_index = first.month - 1 + self.months
        return date(first.year + month_index // 12, month_index % 12 + 1, 1)

    def previous(self) -> Period:
        per_year = 12 if self.kind is PeriodKind.MONTH else 4
        if self.number == 1:
            return Period(self.kind, self.year - 1, per_year)
        return Period(self.kind, self.year, self.number - 1)

    def following(self) -> Period:
        per_year = 12 if self.kind is PeriodKind.MONTH else 4
        if self.number == per_year:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.number + 1)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end): midnight of the first day and of the day after the period, in the agency's zone."""
        return (
            datetime.combine(self.first_day, time(), tzinfo=zone),
            datetime.combine(self.end_day, time(), tzinfo=zone),
        )

    @property
    def code(self) -> str:
        """`2026-12` for a month, `2026-Q4` for a quarter (what buttons carry)."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}-Q{self.number}"


def parse_period(code: str) -> Period | None:
    """A period from its code (`2026-12`, `2026-Q4`); None when it is not one."""
    match = _CODE.match(code.strip().upper())
    if not match:
        return None
    if match[3]:
        return Period(PeriodKind.QUARTER, int(match[1]), int(match[3]))
    month = int(match[2])
    return Period(PeriodKind.MONTH, int(match[1]), month) if 1 <= month <= 12 else None


# --- What storage counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingTally:
    """Ratings on a 1-5 scale: how many, and their sum."""

    count: int = 0
    total: int = 0

    def __add__(self, other: RatingTally) -> RatingTally:
        return RatingTally(self.count + other.count, self.total + other.total)


@dataclass(frozen=True)
class StaffActivity:
    """One member's recorded work in one period (see docs/kpis.md for where each number comes from)."""

    staff_id: UUID
    clients_served: int = 0
    introductions: int = 0
    dates_held: int = 0
    reached_dating: int = 0  # their clients whose case reached "dating" or a later stage for the first time
    claim_waits: tuple[timedelta, ...] = ()  # handoffs they claimed: from the client's request to the claim
    reply_waits: tuple[timedelta, ...] = ()  # the same handoffs: from the request to their first message
    follow_ups_done: int = 0
    follow_ups_missed: int = 0  # due in the period and still not done
    survey: RatingTally = RatingTally()  # the monthly survey's counselor score
    relay: RatingTally = RatingTally()  # clients' ratings of a conversation with them
    date_feedback: RatingTally = RatingTally()  # their clients' ratings of their dates
    complaints_upheld: int = 0  # about them, upheld or partly upheld
    penalties: int = 0  # recorded against them and not lifted on appeal


# --- The figures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffKpis:
    """One member's figures for one period. Minutes and ratings are None when there was nothing to measure."""

    staff_id: UUID
    period: Period
    clients_served: int
    introductions: int
    dates_held: int
    reached_dating: int
    handoffs: int
    claim_minutes: Decimal | None  # median
    reply_minutes: Decimal | None  # median
    follow_ups_done: int
    follow_ups_missed: int
    follow_up_share: Decimal | None  # percent kept
    survey_score: Decimal | None
    relay_rating: Decimal | None
    date_rating: Decimal | None
    satisfaction: Decimal | None  # every rating together, 1-5
    ratings: int
    complaints_upheld: int
    penalties: int
    points: int


@dataclass(frozen=True)
class TeamAverage:
    """The average member of a list: counts per member, and the mean of the members' medians and ratings (only
    of members who have one)."""

    period: Period
    members: int
    clients_served: Decimal
    introductions: Decimal
    dates_held: Decimal
    reached_dating: Decimal
    claim_minutes: Decimal | None
    reply_minutes: Decimal | None
    follow_up_share: Decimal | None
    satisfaction: Decimal | None
    complaints_upheld: Decimal
    penalties: Decimal
    points: Decimal


def one_place(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def median_minutes(waits: Sequence[timedelta]) -> Decimal | None:
    """The median wait in minutes (one place); None without any wait."""
    if not waits:
        return None
    seconds = statistics.median(wait.total_seconds() for wait in waits)
    return one_place(Decimal(str(seconds)) / 60)


def follow_up_share(done: int, missed: int) -> Decimal | None:
    """The percentage of follow-ups kept: done out of done and missed; None when none was due."""
    if done + missed == 0:
        return None
    return one_place(Decimal(100 * done) / (done + missed))


def average_rating(tally: RatingTally) -> Decimal | None:
    """The mean of the ratings (one place); None without ratings."""
    if tally.count == 0:
        return None
    return one_place(Decimal(tally.total) / tally.count)


def satisfaction(*tallies: RatingTally) -> RatingTally:
    """Every rating about the member's service together (survey score, conversation ratings, date feedback: all
    on the same 1-5 scale), each rating weighing the same."""
    combined = RatingTally()
    for tally in tallies:
        combined = combined + tally
    return combined


# Ranking points: outcomes the agency wants, minus what it does not (a tie is broken by satisfaction).
RANK_WEIGHTS: dict[str, int] = {
    "reached_dating": 10,
    "introductions": 3,
    "dates_held": 2,
    "clients_served": 1,
    "complaints_upheld": -10,
    "penalties": -10,
}


def rank_points(activity: StaffActivity) -> int:
    """The ranking points of `RANK_WEIGHTS`."""
    return sum(weight * int(getattr(activity, name)) for name, weight in RANK_WEIGHTS.items())


def appraise(activity: StaffActivity, period: Period) -> StaffKpis:
    """A member's figures for the period from their recorded work."""
    ratings = satisfaction(activity.survey, activity.relay, activity.date_feedback)
    return StaffKpis(
        staff_id=activity.staff_id,
        period=period,
        clients_served=activity.clients_served,
        introductions=activity.introductions,
        dates_held=activity.dates_held,
        reached_dating=activity.reached_dating,
        handoffs=len(activity.claim_waits),
        claim_minutes=median_minutes(activity.claim_waits),
        reply_minutes=median_minutes(activity.reply_waits),
        follow_ups_done=activity.follow_ups_done,
        follow_ups_missed=activity.follow_ups_missed,
        follow_up_share=follow_up_share(activity.follow_ups_done, activity.follow_ups_missed),
        survey_score=average_rating(activity.survey),
        relay_rating=average_rating(activity.relay),
        date_rating=average_rating(activity.date_feedback),
        satisfaction=average_rating(ratings),
        ratings=ratings.count,
        complaints_upheld=activity.complaints_upheld,
        penalties=activity.penalties,
        points=rank_points(activity),
    )


def ranked(figures: Iterable[StaffKpis]) -> list[StaffKpis]:
    """Best first: the most points, then the best satisfaction (none counts as lowest), then the most clients
    served; the member's id keeps the order stable."""
    return sorted(
        figures,
        key=lambda kpis: (
            -kpis.points,
            -(kpis.satisfaction if kpis.satisfaction is not None else Decimal(0)),
            -kpis.clients_served,
            str(kpis.staff_id),
        ),
    )


def _mean(values: Sequence[Decimal | int]) -> Decimal:
    return one_place(Decimal(sum(values)) / len(values)) if values else Decimal("0.0")


def _mean_of_known(values: Iterable[Decimal | None]) -> Decimal | None:
    known = [value for value in values if value is not None]
    return _mean(known) if known else None


def team_average(figures: Sequence[StaffKpis], period: Period) -> TeamAverage:
    """The average member of `figures` (all of one period)."""
    return TeamAverage(
        period=period,
        members=len(figures),
        clients_served=_mean([k.clients_served for k in figures]),
        introductions=_mean([k.introductions for k in figures]),
        dates_held=_mean([k.dates_held for k in figures]),
        reached_dating=_mean([k.reached_dating for k in figures]),
        claim_minutes=_mean_of_known(k.claim_minutes for k in figures),
        reply_minutes=_mean_of_known(k.reply_minutes for k in figures),
        follow_up_share=_mean_of_known(k.follow_up_share for k in figures),
        satisfaction=_mean_of_known(k.satisfaction for k in figures),
        complaints_upheld=_mean([k.complaints_upheld for k in figures]),
        penalties=_mean([k.penalties for k in figures]),
        points=_mean([k.points for k in figures]),
    )
