"""What a client types while the membership asks something: a promo code, the reason for a refund.

These state handlers have a router of their own, tried after every feature's commands (as the journey's are),
so /matches or /help work in the middle of the question; each state has its valid-input handler and a
fallback that asks again.
"""

from __future__ import annotations

from aiogram import F, Router

from handlers.membership import buying, refunds
from handlers.membership.states import MembershipFlow


def create_router() -> Router:
    router = Router(name="membership.answers")
    router.message.register(buying.promo_typed, MembershipFlow.promo, F.text)
    router.message.register(buying.promo_not_text, MembershipFlow.promo)
    router.message.register(refunds.refund_reason, MembershipFlow.refund_reason, F.text)
    router.message.register(refunds.refund_not_text, MembershipFlow.refund_reason)
    return router
