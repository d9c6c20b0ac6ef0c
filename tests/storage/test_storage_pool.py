"""The connection pool: transactions running at once reuse the connections of the last burst instead of opening
new ones (on PostgreSQL each would be a server session forked and authenticated)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.pool import QueuePool

from bot.runner import opened_app
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.engine import POOL_SIZE
from storage.keys import KeyMaterial

AT_ONCE = 12  # more than SQLAlchemy's default pool of 5 keeps


async def _burst(database: Database, count: int) -> None:
    """`count` read-only units of work, all inside their transaction at the same moment."""
    inside = 0
    all_inside = asyncio.Event()

    async def unit() -> None:
        nonlocal inside
        async with database.unit_of_work(read_only=True) as uow:
            await uow.session.execute(text("SELECT 1"))
            inside += 1
            if inside == count:
                all_inside.set()
            await all_inside.wait()

    await asyncio.gather(*(unit() for _ in range(count)))


async def test_a_second_burst_opens_no_connection(database_url: str, key_material: KeyMaterial) -> None:
    database = await Database.open(database_url, key_material, pool_size=AT_ONCE)
    opened: list[Any] = []
    event.listen(database.engine.sync_engine, "connect", lambda connection, _record: opened.append(connection))
    pool = database.engine.pool
    assert isinstance(pool, QueuePool)
    try:
        await _burst(database, AT_ONCE)
        first = len(opened)
        kept = pool.checkedin()
        await _burst(database, AT_ONCE)
        await _burst(database, AT_ONCE)
    finally:
        await database.close()
    assert first >= AT_ONCE - 1  # every unit had a connection of its own (one was open since `open`)
    assert kept == AT_ONCE  # and each was kept when its unit ended
    assert len(opened) == first  # the later bursts ran on the same connections


async def test_the_bot_opens_its_database_with_the_pool_size_of_its_settings(database_url: str, tmp_path: Path) -> None:
    assert Settings(_env_file=None).database_pool_size == POOL_SIZE
    settings = Settings(_env_file=None, data_dir=tmp_path, database_url=database_url, database_pool_size=7)
    async with opened_app(settings, FakeClock()) as (_dp, database, _keys, _i18n):
        pool = database.engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.size() == 7
