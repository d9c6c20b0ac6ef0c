"""The membership conversation's states."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class MembershipFlow(StatesGroup):
    promo = State()  # the client is typing a promo code
    refund_reason = State()  # the client is writing why they want a refund
