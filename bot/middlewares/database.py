"""One unit of work (session and transaction) per update: committed when the handler returns.

The transaction begins with what makes an update safe to run in several instances at once, before anything
else is read or written:

1. the user's lock (from the update's FSM key: bot, chat, user): on PostgreSQL an advisory lock held until this
   transaction ends, so another instance's update of the same user waits here (this process's own updates of
   that user already waited in `EventIsolationMiddleware`); on SQLite, `BEGIN IMMEDIATE` already runs one
   writer at a time;
2. the update's id (`UpdatesRepository.record`, per bot and channel): if a committed transaction already
   recorded it (Telegram delivered it again, or to another instance), the update is skipped with one log line.
   The record commits with the update's effects, so an update whose transaction rolled back runs again when
   it is delivered again.

On PostgreSQL both are one statement (`record(..., user=...)`); an update that is not recorded takes only the
lock (`UnitOfWork.lock_user`).

Web chat updates are not recorded: the web chat numbers them itself, once per message a browser sent, from 1
again in every process, so an id says nothing about a repeat (and a recorded one would drop the next run's).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, Update

from domain.identity import Channel
from storage.database import Database
from storage.unit_of_work import UnitOfWork

log = logging.getLogger("yuelao.updates")


class DatabaseMiddleware(BaseMiddleware):
    def __init__(self, database: Database) -> None:
        self._database = database

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self._database.unit_of_work() as uow:
            if not await _begin(uow, event, data):
                return None
            data["uow"] = uow
            return await handler(event, data)


async def _begin(uow: UnitOfWork, event: TelegramObject, data: dict[str, Any]) -> bool:
    """The update's first statement: its user's lock, and its record if it comes from Telegram (on PostgreSQL in
    one statement); False if the update was handled already."""
    state = data.get("state")
    key = state.key if isinstance(state, FSMContext) else None
    user = None if key is None else (key.chat_id, key.user_id)
    channel = str(data.get("channel", Channel.TELEGRAM.value))
    bot = data.get("bot")
    if isinstance(event, Update) and channel == Channel.TELEGRAM.value and isinstance(bot, Bot):
        if await uow.updates.record(bot.id, channel, event.update_id, now=uow.context.clock.now(), user=user):
            return True
        log.info("update type=%s channel=%s dropped: already handled", event.event_type, channel)
        return False
    if key is not None:
        await uow.lock_user(key.bot_id, key.chat_id, key.user_id)
    return True
