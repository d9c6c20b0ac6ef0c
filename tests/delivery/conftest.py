"""Delivery tests run on an event loop with virtual time (see virtual_time.py): limits, retries and leases
take seconds of loop time and milliseconds of real time. Tests marked `real_time` (several instances,
another process) run on a plain loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from uuid import UUID

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from storage.database import Database
from storage.keys import KeyMaterial
from tests.delivery.scripted_api import ScriptedBotAPI, running_scripted_api
from tests.delivery.virtual_time import LoopClock, VirtualTimeLoop

BOT_TOKEN = "4242:TESTtokenTESTtokenTESTtokenTESTtoken00"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_time: run on a plain event loop, not on virtual time")


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    if item.get_closest_marker("real_time") is not None:
        return {"real_time": asyncio.new_event_loop}
    return {"virtual_time": VirtualTimeLoop}


@pytest.fixture
def loop_clock() -> LoopClock:
    return LoopClock()


@pytest.fixture
async def db(database_url: str, key_material: KeyMaterial, loop_clock: LoopClock) -> AsyncIterator[Database]:
    """The database (SQLite and PostgreSQL), with the loop clock as its clock."""
    opened = await Database.open(database_url, key_material, clock=loop_clock)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def api() -> AsyncIterator[ScriptedBotAPI]:
    async with running_scripted_api() as running:
        yield running


def bot_for(api: ScriptedBotAPI) -> Bot:
    return Bot(token=BOT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))


@pytest.fixture
async def bot(api: ScriptedBotAPI) -> AsyncIterator[Bot]:
    created = bot_for(api)
    try:
        yield created
    finally:
        await created.session.close()


async def add_account(database: Database, external_id: str, channel: str = "telegram") -> UUID:
    async with database.unit_of_work() as uow:
        account, _ = await uow.accounts.get_or_create(
            channel, external_id, locale="en", now=uow.context.clock.now()
        )
        return account.id


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float, step: float = 0.05) -> None:
    """Poll `check` until it holds; fail after `within` seconds of loop time."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"not reached within {within} s")
        await asyncio.sleep(step)
