"""The Bot API session for Telegram: aiogram's aiohttp session, holding on to the models it parses results with.

aiogram parses every result with `Response[<the method's result type>]`, a pydantic generic model that pydantic
caches only weakly: the garbage collector drops it between calls and the next call builds it again (about 2 ms
of CPU each on the event loop; 300 `sendMessage` calls with a collection every 50 rebuilt it 48 times). This
session keeps each one it has used, so it is built once per result type for the life of the process.

With an `observer` (bot/observability/metrics.py) every call that goes out over HTTP is reported with its
method, its error (None: it succeeded), its round trip and whether it was a delivery (a message sent or edited
after its update's commit, or by the outbox worker).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar, Protocol

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.delivery.limiter import is_counted, outbox_request


class ApiCallObserver(Protocol):
    def api_call(self, method: str, error: BaseException | None, seconds: float, *, delivery: bool) -> None: ...


class TelegramSession(AiohttpSession):
    """`AiohttpSession` that keeps the response models it parsed with (see the module)."""

    _models: ClassVar[dict[Any, type[Response[Any]]]] = {}

    def __init__(self, *args: Any, observer: ApiCallObserver | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.observer = observer

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        observer = self.observer
        if observer is None:
            return await super().make_request(bot, method, timeout)
        started = time.perf_counter()
        delivery = outbox_request.get() and is_counted(method)
        try:
            result = await super().make_request(bot, method, timeout)
        except Exception as error:
            observer.api_call(method.__api_method__, error, time.perf_counter() - started, delivery=delivery)
            raise
        observer.api_call(method.__api_method__, None, time.perf_counter() - started, delivery=delivery)
        return result

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._models:
            self._models[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)
