"""Two "instances" of the bot over one database, as two processes would be: each its own Database (engine and
connection pool), Dispatcher (from `create_dispatcher`) and Bot, with the same token.

A `CountingHandler` is put in front of the real routers of both. For a message "count <name>" it reads the
user's conversation data, waits on the gate the test set for <name> (so the update's transaction stays open
until the test releases it), then writes count + 1: two updates of one user that overlapped would both read the
same count and one increment would be lost.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher, F
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import event

from bot.app import create_dispatcher
from domain.clock import Clock
from handlers.services.settings import Settings
from storage.database import Database
from storage.keys import KeyMaterial
from tests.botclient import RecordingSession, make_bot

_update_ids = itertools.count(7_000_000)


def next_update_id() -> int:
    return next(_update_ids)


def count_update(user_id: int, name: str, *, update_id: int | None = None) -> Update:
    message = Message(
        message_id=1,
        date=datetime(2026, 1, 5, tzinfo=UTC),
        chat=Chat(id=user_id, type="private"),
        from_user=User(id=user_id, is_bot=False, first_name="A", language_code="en"),
        text=f"count {name}",
    )
    return Update(update_id=next_update_id() if update_id is None else update_id, message=message)


@dataclass
class CountingHandler:
    """Records what happened, in order, across both instances."""

    timeline: list[str] = field(default_factory=list)
    gates: dict[str, asyncio.Future[None]] = field(default_factory=dict)
    started: defaultdict[str, asyncio.Event] = field(default_factory=lambda: defaultdict(asyncio.Event))
    fail_once: set[str] = field(default_factory=set)

    def gate(self, name: str) -> asyncio.Future[None]:
        self.gates[name] = asyncio.get_running_loop().create_future()
        return self.gates[name]

    def runs(self, name: str) -> int:
        return self.timeline.count(f"{name} started")

    async def handle(self, message: Message, state: FSMContext) -> None:
        name = (message.text or "").removeprefix("count ")
        data = await state.get_data()
        count = int(data.get("count", 0))
        self.timeline.append(f"{name} started")
        self.timeline.append(f"{name} read {count}")
        self.started[name].set()
        gate = self.gates.get(name)
        if gate is not None:
            await gate
        if name in self.fail_once:
            self.fail_once.discard(name)
            self.timeline.append(f"{name} raised")
            raise RuntimeError("the handler broke")
        await state.set_data({**data, "count": count + 1})
        self.timeline.append(f"{name} finished")


@dataclass
class Instance:
    name: str
    database: Database
    dispatcher: Dispatcher
    bot: Bot
    statements: list[str] = field(default_factory=list)
    reached: asyncio.Event = field(default_factory=asyncio.Event)

    async def feed(self, update: Update) -> Any:
        return await self.dispatcher.feed_update(self.bot, update)

    def start(self, update: Update) -> asyncio.Task[Any]:
        return asyncio.create_task(self.feed(update), name=f"{self.name}-{update.update_id}")

    async def count(self, user_id: int) -> int:
        key = StorageKey(bot_id=self.bot.id, chat_id=user_id, user_id=user_id)
        return int((await self.database.fsm_storage().get_data(key)).get("count", 0))

    async def recorded_updates(self) -> list[int]:
        async with self.database.unit_of_work(read_only=True) as uow:
            return await uow.updates.seen(self.bot.id, "telegram")


def _watch_first_statements(instance: Instance) -> None:
    """`instance.reached` is set when an update's transaction sends its first statement (the user's lock on
    PostgreSQL, the update's record on SQLite, which also begins the write transaction)."""

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "pg_advisory_xact_lock" in statement or "INSERT INTO processed_updates" in statement:
            instance.statements.append(statement)
            instance.reached.set()

    event.listen(instance.database.engine.sync_engine, "before_cursor_execute", before)


@asynccontextmanager
async def two_instances(
    url: str, keys: KeyMaterial, settings: Settings, clock: Clock, handler: CountingHandler
) -> AsyncIterator[tuple[Instance, Instance]]:
    opened: list[Instance] = []
    try:
        for name in ("one", "two"):
            database = await Database.open(url, keys, clock=clock)
            dispatcher = create_dispatcher(settings, database=database, clock=clock)
            dispatcher.message.register(handler.handle, F.text.startswith("count "))
            instance = Instance(name, database, dispatcher, make_bot(RecordingSession(clock)))
            _watch_first_statements(instance)
            opened.append(instance)
        yield opened[0], opened[1]
    finally:
        for instance in opened:
            await instance.bot.session.close()
            await instance.database.close()


async def settle(tasks: list[asyncio.Task[Any]], *, within: float = 20.0) -> None:
    """Wait for the tasks, failing (not hanging) if one never ends."""
    await asyncio.wait_for(asyncio.gather(*tasks), within)
