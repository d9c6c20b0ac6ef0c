"""aiogram's FSM middleware, split in two so that the conversation state is read inside the update's transaction.

aiogram's own `FSMContextMiddleware` runs before every outer middleware we register: it would read the state
in a transaction of its own before the update's unit of work opens (an extra BEGIN/SELECT/COMMIT per update).
The Dispatcher is built with `disable_fsm=True` and its FSM middleware (`dp.fsm`: storage, strategy, events
isolation) is used by these two instead:

- `EventIsolationMiddleware`, before the database middleware: resolves the update's `FSMContext` and holds
  the events-isolation lock of its key for the whole update, so a user's second update waits here, before
  its transaction has begun, never while holding the database's write lock.
- `ConversationStateMiddleware`, inside the unit of work and after the principal lookup: reads the state
  (`raw_state`, for the state filters) in the update's own transaction, from the row the principal query
  already read when there is one (`AccountsRepository.find_member`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject


class EventIsolationMiddleware(BaseMiddleware):
    def __init__(self, fsm: FSMContextMiddleware) -> None:
        self._fsm = fsm

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot = data.get("bot")
        context = self._fsm.resolve_event_context(bot, data) if isinstance(bot, Bot) else None
        data["fsm_storage"] = self._fsm.storage
        if context is None:
            return await handler(event, data)
        async with self._fsm.events_isolation.lock(key=context.key):
            data["state"] = context
            return await handler(event, data)


class ConversationStateMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = data.get("state")
        if isinstance(context, FSMContext):
            data["raw_state"] = await context.get_state()
        return await handler(event, data)
