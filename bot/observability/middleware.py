"""Outer middleware, the first of all: counts each update by type and outcome and times it, replies included."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update

from bot.observability.metrics import BotMetrics


class UpdateMetricsMiddleware(BaseMiddleware):
    """Outcomes: `handled` (a repeat dropped by the update-id dedupe included), `unhandled` (no handler took it),
    `error` (a handler raised; aiogram's error handlers then answered)."""

    def __init__(self, metrics: BotMetrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            kind = event.event_type if isinstance(event, Update) else type(event).__name__
            self._metrics.update_handled(kind, outcome, time.perf_counter() - started)
