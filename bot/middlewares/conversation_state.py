"""aiogram's FSM middleware, split in two so that the conversation state is read inside the update's transaction,
and the per-user isolation that keeps one user's updates in order.

aiogram's own `FSMContextMiddleware` runs before every outer middleware we register: it would read the state
in a transaction of its own before the update's unit of work opens (an extra BEGIN/SELECT/COMMIT per update).
The Dispatcher is built with `disable_fsm=True` and its FSM middleware (`dp.fsm`: storage, strategy, events
isolation) is used by these two instead:

- `EventIsolationMiddleware`, before the database middleware: resolves the update's `FSMContext` and holds
  the events-isolation lock of its key (bot, chat, user) for the whole update. The Dispatcher is built with
  `bot.user_locks.UserLocks`: an asyncio lock per key while it is in use, so while one update of a user runs in this
  process, that user's next one waits here, before its transaction has begun (never holding a database
  connection or SQLite's write lock), and they run in the order they arrived; other users' updates do not
  wait. Across instances, the database middleware's first statement takes the same user's lock in the
  database (`UnitOfWork.lock_user`: a PostgreSQL advisory lock until the transaction ends). An update without
  a user or chat (nothing to key a lock on) is not isolated. A Dispatcher without real isolation (aiogram's
  default, `DisabledEventIsolation`, which locks nothing) is refused.
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
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.types import TelegramObject


class EventIsolationMiddleware(BaseMiddleware):
    def __init__(self, fsm: FSMContextMiddleware) -> None:
        if isinstance(fsm.events_isolation, DisabledEventIsolation):
            raise ValueError("build the Dispatcher with events_isolation=UserLocks(): this one locks nothing")
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
