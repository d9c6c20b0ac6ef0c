"""A user who floods the bot gets one polite notice, then silence until they slow down."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import gettext as _

from domain.clock import Clock
from domain.flood import FloodGuard, Verdict

log = logging.getLogger("yuelao.updates")


class FloodMiddleware(BaseMiddleware):
    def __init__(self, guard: FloodGuard, clock: Clock) -> None:
        self._guard = guard
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        bot = data.get("bot")
        if not isinstance(user, User) or not isinstance(event, Update) or not isinstance(bot, Bot):
            return await handler(event, data)
        key = f"{data.get('channel', 'telegram')}:{user.id}"
        verdict = self._guard.check(key, self._clock.now())
        if verdict is Verdict.ALLOW:
            return await handler(event, data)
        log.info("update type=%s throttled verdict=%s", event.event_type, verdict.value)
        if event.callback_query is not None:
            # Telegram keeps a spinner on the button until the query is answered.
            await bot.answer_callback_query(event.callback_query.id)
        if verdict is Verdict.WARN and event.message is not None:
            await bot.send_message(
                event.message.chat.id,
                _("You are sending messages very quickly. Please wait a moment; I will answer again."),
            )
        return None
