"""Months: typed dates and months, and month-end close (months close in order; nothing is booked in a closed
month; closing carries the month's totals)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

_ISO_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_SHORT_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
TODAY_WORDS = frozenset({"today", "今天", "сегодня"})


class PeriodProblem(StrEnum):
    CLOSED = "closed"  # the date is in a closed month
    NOT_ENDED = "not_ended"  # a month that has not ended cannot close
    ALREADY_CLOSED = "already_closed"
    EARLIER_OPEN = "earlier_open"  # the month before is still open


class PeriodClosed(Exception):  # noqa: N818 (a refusal)
    def __init__(self, problem: PeriodProblem) -> None:
        self.problem = problem
        super().__init__(problem.value)


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def months_of_year(year: int) -> list[date]:
    return [date(year, number, 1) for number in range(1, 13)]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_day(text: str, today: date) -> date | None:
    """A booking date as typed (`2026-03-01`, `3/2` in this year, `2026年3月2日`, `today`); None when it is not a
    date or is after today."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    if folded in TODAY_WORDS:
        return today
    if match := _ISO_DAY.match(folded):
        day = _day(int(match[1]), int(match[2]), int(match[3]))
    elif match := _SHORT_DAY.match(folded):
        day = _day(today.year, int(match[1]), int(match[2]))
    else:
        return None
    return day if day is not None and day <= today else None


def parse_month(text: str) -> date | None:
    """A month as typed (`2026-02`, `2026年2月`); None otherwise."""
    match = _MONTH.match(unicodedata.normalize("NFKC", text).strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


def ensure_open(day: date, *, closed_through: date | None) -> None:
    """Entries may be dated on `day`: its month is after the last closed one."""
    if closed_through is not None and month_of(day) <= closed_through:
        raise PeriodClosed(PeriodProblem.CLOSED)


def ensure_can_close(month: date, *, today: date, closed_through: date | None) -> None:
    """`month` has ended and is the next one to close (the first close may be any ended month)."""
    if closed_through is not None and month <= closed_through:
        raise PeriodClosed(PeriodProblem.ALREADY_CLOSED)
    if next_month(month) > month_of(today):
        raise PeriodClosed(PeriodProblem.NOT_ENDED)
    if closed_through is not None and month != next_month(closed_through):
        raise PeriodClosed(PeriodProblem.EARLIER_OPEN)
