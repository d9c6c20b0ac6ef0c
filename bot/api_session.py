"""The Bot API session for Telegram: aiogram's aiohttp session, holding on to the models it parses results with.

aiogram parses every result with `Response[<the method's result type>]`, a pydantic generic model that pydantic
caches only weakly: the garbage collector drops it between calls and the next call builds it again (about 2 ms
of CPU each on the event loop; 300 `sendMessage` calls with a collection every 50 rebuilt it 48 times). This
session keeps each one it has used, so it is built once per result type for the life of the process.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class TelegramSession(AiohttpSession):
    """`AiohttpSession` that keeps the response models it parsed with (see the module)."""

    _models: ClassVar[dict[Any, type[Response[Any]]]] = {}

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._models:
            self._models[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)
