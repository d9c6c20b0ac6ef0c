"""Commission (提成): what a counselor earns for outcomes, by rule, month by month.

The owner keeps a rule table: an amount per outcome (a paid membership, an introduction, a couple reaching
"dating") and per membership tier, in the agency's currency. A rule is never changed: a new amount is a new rule
from a moment on, so the history stays and every event is paid at the rule in force when it happened.

A month's statement per counselor is drawn up from events the bot already recorded (`CommissionEvent`), each
line naming its event; a manager approves it once, and only then is it written to the ledger as an expense.
Plain Python: the clock and the time zone are passed in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.finance.money_input import AmountRefused, parse_money
from domain.finance.periods import next_month
from domain.membership.money import zero

_ZERO = re.compile(r"^[¥$€£₽]?0+(?:[.,]0+)?$")
STATEMENT_DAY_HOUR = 7  # the monthly job draws up last month's statements on the 1st at 07:00, agency time


class Outcome(StrEnum):
    """What earns a commission."""

    PAID_MEMBERSHIP = "paid_membership"  # a client of the counselor paid for a membership (the tier they bought)
    INTRODUCTION = "introduction"  # a client of the counselor and another client both said Interested
    DATING = "dating"  # a client of the counselor reached the "dating" stage (the first time only)


OUTCOMES = tuple(outcome.value for outcome in Outcome)


class StatementState(StrEnum):
    DRAFT = "draft"  # drawn up; drawn up again (with the newest events) until approved
    APPROVED = "approved"  # approved by a manager and written to the ledger: never changed


STATEMENT_STATES = tuple(state.value for state in StatementState)


@dataclass(frozen=True)
class Rule:
    """From `valid_from` on, each `outcome` for a client of `tier` earns `amount_minor` (0: nothing)."""

    id: int
    outcome: Outcome
    tier: str
    currency: str
    amount_minor: int
    valid_from: datetime


@dataclass(frozen=True)
class CommissionEvent:
    """Something that happened, credited to `counselor_id`: the event's own id (a payment, an introduction, a
    stage change) and the client it is about (`client_id`), never anything that names the client."""

    outcome: Outcome
    event_id: UUID
    client_id: UUID
    counselor_id: UUID
    tier: str
    occurred_at: datetime


@dataclass(frozen=True)
class Line:
    event: CommissionEvent
    rule_id: int
    amount_minor: int


def rule_for(rules: Iterable[Rule], outcome: Outcome, tier: str, currency: str, at: datetime) -> Rule | None:
    """The rule in force at `at` for the outcome and tier: the newest one not later than `at`."""
    best: Rule | None = None
    for rule in rules:
        if rule.outcome is not outcome or rule.tier != tier or rule.currency != currency or rule.valid_from > at:
            continue
        if best is None or (rule.valid_from, rule.id) > (best.valid_from, best.id):
            best = rule
    return best


def current_rules(rules: Iterable[Rule], currency: str, now: datetime) -> dict[tuple[Outcome, str], Rule]:
    """The rule in force now for each (outcome, tier) that has one."""
    found: dict[tuple[Outcome, str], Rule] = {}
    for rule in rules:
        if rule.currency != currency or rule.valid_from > now:
            continue
        key = (rule.outcome, rule.tier)
        held = found.get(key)
        if held is None or (rule.valid_from, rule.id) > (held.valid_from, held.id):
            found[key] = rule
    return found


def statement_lines(events: Iterable[CommissionEvent], rules: Sequence[Rule], currency: str) -> dict[UUID, list[Line]]:
    """Each counselor's lines: every event a rule pays for (an amount above zero), in time order."""
    by_counselor: dict[UUID, list[Line]] = {}
    for event in sorted(events, key=lambda e: (e.occurred_at, e.outcome.value, str(e.event_id), str(e.client_id))):
        rule = rule_for(rules, event.outcome, event.tier, currency, event.occurred_at)
        if rule is None or rule.amount_minor <= 0:
            continue
        by_counselor.setdefault(event.counselor_id, []).append(Line(event, rule.id, rule.amount_minor))
    return by_counselor


def total_minor(lines: Iterable[Line]) -> int:
    return sum(line.amount_minor for line in lines)


# --- Months --------------------------------------------------------------------------------------------------


def month_bounds(month: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The month's first moment and the next month's first moment, in the agency's time zone."""
    start = datetime.combine(month.replace(day=1), time(), tzinfo=zone)
    return start, datetime.combine(next_month(month.replace(day=1)), time(), tzinfo=zone)


def previous_month(day: date) -> date:
    first = day.replace(day=1)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


def last_day(month: date) -> date:
    return date.fromordinal(next_month(month.replace(day=1)).toordinal() - 1)


def next_statement_run_at(now: datetime, zone: tzinfo) -> datetime:
    """The next 1st of a month at STATEMENT_DAY_HOUR in `zone`, strictly after `now`."""
    local = now.astimezone(zone)
    candidate = datetime(local.year, local.month, 1, STATEMENT_DAY_HOUR, tzinfo=zone)
    if candidate <= local:
        following = next_month(local.date().replace(day=1))
        candidate = datetime(following.year, following.month, 1, STATEMENT_DAY_HOUR, tzinfo=zone)
    return candidate


def month_code(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def parse_month_code(text: str) -> date | None:
    """`2026-11` as the month's first day; None when it is not one."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    year, number = int(parts[0]), int(parts[1])
    if not 2000 <= year <= 9999 or not 1 <= number <= 12:
        return None
    return date(year, number, 1)


def bookable_on(month: date, closed_through: date | None, today: date) -> date:
    """The day an approved statement is booked: the month's last day while the month is open (and over), else
    today (a closed month takes no new entries)."""
    end = last_day(month)
    if end > today or (closed_through is not None and month <= closed_through):
        return today
    return end


def parse_commission(text: str, currency: str) -> Decimal | None:
    """An amount as typed (`150`, `¥99.50`, `0` to pay nothing); None when it is not one."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if _ZERO.match(folded):
        return zero(currency)
    try:
        return parse_money(folded, currency)
    except AmountRefused:
        return None
