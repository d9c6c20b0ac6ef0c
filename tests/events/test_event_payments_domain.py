"""The pure rules of paying for a seat: who gets a held seat, when Telegram may charge for it, what a cancelled
paid seat gets back, and the hold job's reference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.event_payments import SeatCheckoutProblem, refund_on_cancellation, seat_checkout_problem
from domain.events import (
    HOLD,
    Balance,
    Capacity,
    EventState,
    Side,
    SignupState,
    admission,
    hold_ref,
    parse_hold_ref,
)

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
STARTS = NOW + timedelta(days=10)


def test_a_free_seat_is_held_for_someone_who_pays_and_a_held_seat_is_taken() -> None:
    room = Capacity(men=1, women=1)
    assert admission(room, Side.MALE, 0, priced=True) is SignupState.HELD
    assert admission(room, Side.MALE, 0) is SignupState.CONFIRMED
    assert admission(room, Side.MALE, 1, priced=True) is SignupState.WAITLISTED
    balance = Balance(confirmed={}, waitlisted={Side.MALE: 2}, held={Side.MALE: 1})
    assert balance.taken(Side.MALE) == 1 and balance.free(room, Side.MALE) == 0 and balance.free(room, Side.FEMALE) == 1


def check(**changes: object) -> SeatCheckoutProblem | None:
    facts: dict[str, object] = {
        "event_state": EventState.PUBLISHED,
        "starts_at": STARTS,
        "signup_state": SignupState.HELD,
        "hold_until": NOW + HOLD,
        "asked_minor": 9900,
        "price_minor": 9900,
        "now": NOW,
    }
    facts.update(changes)
    return seat_checkout_problem(**facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"event_state": EventState.CANCELLED}, SeatCheckoutProblem.EVENT_OFF),
        ({"now": STARTS}, SeatCheckoutProblem.EVENT_OFF),
        ({"signup_state": SignupState.CANCELLED}, SeatCheckoutProblem.HOLD_EXPIRED),
        ({"signup_state": SignupState.CONFIRMED}, SeatCheckoutProblem.HOLD_EXPIRED),  # paid already
        ({"signup_state": None}, SeatCheckoutProblem.HOLD_EXPIRED),
        ({"now": NOW + HOLD}, SeatCheckoutProblem.HOLD_EXPIRED),  # the job has not run yet: refused all the same
        ({"price_minor": 12900}, SeatCheckoutProblem.PRICE_CHANGED),
        ({"price_minor": None}, SeatCheckoutProblem.PRICE_CHANGED),  # free for them now
    ],
)
def test_when_telegram_may_charge_for_a_held_seat(
    changes: dict[str, object], problem: SeatCheckoutProblem | None
) -> None:
    assert check(**changes) is problem


def test_a_paid_seat_given_up_in_time_gets_everything_back_and_a_late_one_nothing() -> None:
    assert refund_on_cancellation(9900, late=False) == 9900
    assert refund_on_cancellation(9900, late=True) == 0


def test_the_hold_reference_names_the_sign_up_and_the_end_of_its_hold() -> None:
    until = NOW + HOLD
    ref = hold_ref("ab" * 16, until)
    assert parse_hold_ref(ref) == ("ab" * 16, until)
    assert parse_hold_ref("ab" * 16) is None and parse_hold_ref("short:123") is None
    assert parse_hold_ref(f"{'ab' * 16}:soon") is None
