"""Telegram may deliver an update twice (retries after a timeout, a restarted poller): handle it once."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update

log = logging.getLogger("yuelao.updates")


class DedupeMiddleware(BaseMiddleware):
    def __init__(self, capacity: int = 10_000) -> None:
        self._seen: OrderedDict[tuple[int, str, int], None] = OrderedDict()
        self._capacity = capacity

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update):
            bot = data.get("bot")
            key = (bot.id if isinstance(bot, Bot) else 0, str(data.get("channel", "telegram")), event.update_id)
            if key in self._seen:
                log.info("update type=%s dropped: repeated update_id", event.event_type)
                return None
            self._seen[key] = None
            if len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
        return await handler(event, data)
