"""One log line per update: its type, the handler that took it and how long it took; no personal data."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update

from domain.clock import Clock

log = logging.getLogger("yuelao.updates")


@dataclass
class UpdateTrace:
    """Filled in while an update travels through the dispatcher."""

    handler: str = "-"


class UpdateLogMiddleware(BaseMiddleware):
    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        trace = UpdateTrace()
        data["update_trace"] = trace
        started = self._clock.now()
        outcome = "ok"
        try:
            return await handler(event, data)
        except Exception:
            outcome = "error"
            raise
        finally:
            elapsed_ms = (self._clock.now() - started).total_seconds() * 1000
            kind = event.event_type if isinstance(event, Update) else type(event).__name__
            log.info(
                "update type=%s channel=%s handler=%s outcome=%s duration_ms=%.1f",
                kind,
                data.get("channel", "telegram"),
                trace.handler,
                outcome,
                elapsed_ms,
            )


class HandlerNameMiddleware(BaseMiddleware):
    """Inner middleware: records which handler matched, for the update's log line."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        trace = data.get("update_trace")
        matched = data.get("handler")
        if isinstance(trace, UpdateTrace) and isinstance(matched, HandlerObject):
            callback = matched.callback
            trace.handler = f"{callback.__module__}.{getattr(callback, '__qualname__', repr(callback))}"
        return await handler(event, data)
