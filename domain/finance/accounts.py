"""The ledger's accounts: what an entry is for (its category) and where it came from (its source)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """What a ledger entry is for. Income is split by tier at report time (from the payment it belongs to)."""

    INCOME = "income"  # membership payments (by tier and service)
    REFUNDS = "refunds"  # money given back to clients
    SALARIES = "salaries"
    RENT = "rent"
    ADVERTISING = "advertising"  # per acquisition channel
    EVENTS = "events"
    COMMISSIONS = "commissions"
    OTHER = "other"


EXPENSE_CATEGORIES: tuple[Category, ...] = (
    Category.SALARIES,
    Category.RENT,
    Category.ADVERTISING,
    Category.EVENTS,
    Category.COMMISSIONS,
    Category.OTHER,
)
CATEGORIES = tuple(category.value for category in Category)


class Source(StrEnum):
    """Where an entry came from."""

    PAYMENT = "payment"  # a client's payment (and what its quote gave up)
    REFUND = "refund"  # an approved refund
    COMMISSION = "commission"  # a commission statement
    MANUAL = "manual"  # typed in by finance
    PENALTY = "penalty"  # a staff member's fine, withheld from their pay (docs/quality.md)


SOURCES = tuple(source.value for source in Source)
SEATS_AT_EVENTS = "@events"  # income reported beside the tiers: seats paid at offline events (no tier is named so)


def parse_category(text: str) -> Category | None:
    """An expense category from its code as typed; None for an unknown one or one that is not an expense."""
    try:
        category = Category(text.strip().lower())
    except ValueError:
        return None
    return category if category in EXPENSE_CATEGORIES else None


def needs_channel(category: Category) -> bool:
    """Advertising is booked against the channel it paid for."""
    return category is Category.ADVERTISING
