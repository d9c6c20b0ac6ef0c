"""Paying for an offline event: when a held seat may still be paid for, and what a cancelled paid seat gets back.

The money itself goes the membership's way (an order, Telegram's invoice or the web chat's test provider, one
payment per charge, the ledger, finance's refund decision); these are only the rules that differ for a seat.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from domain.events import EventState, SignupState


class SeatCheckoutProblem(StrEnum):
    """Why Telegram must not charge for a seat (answered to its pre-checkout question, shown to the client)."""

    UNKNOWN = "unknown"  # a payload we did not make, or someone else's
    CLOSED = "closed"  # paid already, or replaced by a newer invoice
    PRICE_CHANGED = "price_changed"  # the amount asked is not the seat's price now
    HOLD_EXPIRED = "hold_expired"  # the seat is no longer held for the client (time ran out, or given up)
    EVENT_OFF = "event_off"  # the event was cancelled or has started


def seat_checkout_problem(
    *,
    event_state: EventState,
    starts_at: datetime,
    signup_state: SignupState | None,
    hold_until: datetime | None,
    asked_minor: int,
    price_minor: int | None,
    now: datetime,
) -> SeatCheckoutProblem | None:
    """Why the charge for a held seat must not go ahead now (None: it may). `price_minor` is the client's price
    for the event now (None: free for them now); `asked_minor` what the invoice asks."""
    if event_state is not EventState.PUBLISHED or now >= starts_at:
        return SeatCheckoutProblem.EVENT_OFF
    if signup_state is not SignupState.HELD or hold_until is None or now >= hold_until:
        return SeatCheckoutProblem.HOLD_EXPIRED
    if price_minor != asked_minor:
        return SeatCheckoutProblem.PRICE_CHANGED
    return None


def refund_on_cancellation(paid_minor: int, *, late: bool) -> int:
    """What a client who gives up a paid seat gets back: all of it in time; nothing when it is a late
    cancellation (less than a day before the start, the seat can hardly be filled again: the fee is the agency's,
    as for a date missed without notice). A cancellation after the agency changed the time, venue or price is
    never late (`domain.event_changes.late_cancellation`), so it always gets everything back."""
    return 0 if late else paid_minor
