"""Pricing as pure functions: what a purchase costs, promo codes, upgrade credit and the refund policy.

Every amount is a `Decimal` rounded to the currency's digits. A quote's parts always add up:
`list_price == discount + credit + total`, and none is negative. Credits and refunds are rounded down, so the
agency never gives back more than the exact share of unused days.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from domain.membership.money import rounded, rounded_down, zero

PROMO_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day when it is shorter: 31 Jan + 1 = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


# --- Quotes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """What one purchase costs: the list price less the promo discount and the credit for unused days."""

    currency: str
    list_price: Decimal
    discount: Decimal
    credit: Decimal
    total: Decimal


def quote(
    list_price: Decimal, currency: str, *, discount: Decimal | None = None, credit: Decimal | None = None
) -> Quote:
    """The promo discount is taken first, then the credit, each only as far as something is left to pay."""
    price = rounded(list_price, currency)
    if price < 0:
        raise ValueError("a price is never negative")
    taken_discount = min(max(rounded_down(discount or zero(currency), currency), zero(currency)), price)
    left = price - taken_discount
    taken_credit = min(max(rounded_down(credit or zero(currency), currency), zero(currency)), left)
    return Quote(currency, price, taken_discount, taken_credit, left - taken_credit)


# --- Promo codes ----------------------------------------------------------------------------------------


class PromoKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class PromoProblem(StrEnum):
    MALFORMED = "malformed"  # not the shape of a code
    UNKNOWN = "unknown"
    NOT_YET = "not_yet"
    EXPIRED = "expired"
    USED_UP = "used_up"  # the code's own use limit is reached
    ALREADY_USED = "already_used"  # this client used it as often as one client may
    NOT_FOR_TIER = "not_for_tier"


@dataclass(frozen=True)
class PromoCode:
    code: str
    kind: PromoKind
    value: Decimal  # percent (0-100], or an amount in `currency`
    currency: str | None  # for a fixed amount
    starts_at: datetime
    ends_at: datetime | None
    max_uses: int | None
    per_client: int
    tiers: frozenset[str]  # empty: every paid tier

    def __post_init__(self) -> None:
        if self.kind is PromoKind.PERCENT and not Decimal(0) < self.value <= Decimal(100):
            raise ValueError("a percent promo is more than 0 and at most 100")
        if self.kind is PromoKind.FIXED and (self.value <= 0 or self.currency is None):
            raise ValueError("a fixed promo has a positive amount and its currency")
        if self.per_client < 1 or (self.max_uses is not None and self.max_uses < 1):
            raise ValueError("use limits are at least 1")


def normalize_code(typed: str) -> str | None:
    """A typed promo code in its stored form (upper case, no spaces, full-width letters folded), or None when
    it cannot be one."""
    text = unicodedata.normalize("NFKC", typed).strip().upper().replace(" ", "")
    return text if PROMO_SHAPE.match(text) else None


def promo_problem(
    promo: PromoCode | None, *, now: datetime, tier: str, uses: int, client_uses: int
) -> PromoProblem | None:
    """Why the code cannot be used now for `tier` (`uses`: redemptions so far, `client_uses`: this client's),
    or None when it can."""
    if promo is None:
        return PromoProblem.UNKNOWN
    if now < promo.starts_at:
        return PromoProblem.NOT_YET
    if promo.ends_at is not None and now >= promo.ends_at:
        return PromoProblem.EXPIRED
    if promo.tiers and tier not in promo.tiers:
        return PromoProblem.NOT_FOR_TIER
    if promo.max_uses is not None and uses >= promo.max_uses:
        return PromoProblem.USED_UP
    if client_uses >= promo.per_client:
        return PromoProblem.ALREADY_USED
    return None


def promo_discount(promo: PromoCode, list_price: Decimal, currency: str) -> Decimal:
    """The discount `promo` gives on `list_price` (never more than the price; a fixed amount in another
    currency gives nothing)."""
    price = rounded(list_price, currency)
    if promo.kind is PromoKind.PERCENT:
        amount = rounded_down(price * promo.value / Decimal(100), currency)
    elif promo.currency == currency:
        amount = rounded(promo.value, currency)
    else:
        amount = zero(currency)
    return min(amount, price)


# --- Unused days: upgrade credit and refunds ------------------------------------------------------------


def unused_share(paid: Decimal, currency: str, *, start: datetime, end: datetime, now: datetime) -> Decimal:
    """The part of `paid` for the whole days of [start, end) not yet begun at `now`, rounded down."""
    total_days = max((end - start).days, 1)
    unused_days = min(max((end - max(now, start)) // timedelta(days=1), 0), total_days)
    return rounded_down(rounded(paid, currency) * unused_days / total_days, currency)


def upgrade_credit(paid: Decimal, currency: str, *, start: datetime, end: datetime, now: datetime) -> Decimal:
    """What the unused days of the current paid membership are worth towards a higher tier."""
    return unused_share(paid, currency, start=start, end=end, now=now)


class RefundRule(StrEnum):
    FULL = "full"  # asked within the full-refund window
    PRO_RATA = "pro_rata"  # the unused days
    NONE = "none"  # an engagement already delivered, or nothing left unused


@dataclass(frozen=True)
class RefundDecision:
    rule: RefundRule
    amount: Decimal  # what is given back
    kept: Decimal  # what the agency keeps: amount + kept == paid


def refund_due(
    paid: Decimal,
    currency: str,
    *,
    paid_at: datetime,
    start: datetime,
    end: datetime,
    now: datetime,
    full_refund_days: int,
    delivered: bool = False,
) -> RefundDecision:
    """The refund policy: nothing for a delivered engagement; everything within `full_refund_days` of paying;
    after that the unused whole days, pro rata."""
    amount_paid = rounded(paid, currency)
    if delivered:
        amount = zero(currency)
        rule = RefundRule.NONE
    elif now - paid_at <= timedelta(days=full_refund_days):
        amount, rule = amount_paid, RefundRule.FULL
    else:
        amount = unused_share(amount_paid, currency, start=start, end=end, now=now)
        rule = RefundRule.PRO_RATA if amount > 0 else RefundRule.NONE
    return RefundDecision(rule, amount, amount_paid - amount)
