"""A pricing question typed in free text ("how much is membership?", "会员多少钱") is pointed to /membership.

This router comes just before the fallback: only a message no other handler took is looked at, so the
journey's questions and every state keep their own handlers.
"""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.types import Message

from handlers.views import membership as views

PRICING_QUESTION = re.compile(
    r"\b(price|prices|pricing|cost|costs|fee|fees|how much|membership|premium|subscription|pay|payment)\b"
    r"|多少钱|价格|价钱|费用|收费|会员|會員|價格|費用|收費|цена|стоимость|сколько стоит|членство",
    re.IGNORECASE,
)


async def point_to_membership(message: Message) -> None:
    await message.answer(views.pricing_pointer())


def create_router() -> Router:
    router = Router(name="membership.pricing_question")
    router.message.register(point_to_membership, F.text.regexp(PRICING_QUESTION))
    return router
