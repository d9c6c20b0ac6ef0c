"""The membership router: paying, buying, refunds, the fee schedule (the pricing question has its own router, before the
fallback)."""

from __future__ import annotations

from aiogram import Router

from handlers.membership import buying, fees, paying, refunds


def create_router() -> Router:
    router = Router(name="membership")
    router.include_routers(
        paying.create_router(), buying.create_router(), refunds.create_router(), fees.create_router()
    )
    return router
