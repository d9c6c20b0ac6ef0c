"""The processed-updates repository and the per-user lock, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from domain.clock import FakeClock
from storage.database import Database
from storage.repositories.updates import user_lock_key
from tests.delivery.conftest import eventually

BOT = 4242
OTHER_BOT = 4343
WAITING_ADVISORY_LOCKS = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"


async def _record(database: Database, bot_id: int, channel: str, update_id: int) -> bool:
    async with database.unit_of_work() as uow:
        return await uow.updates.record(bot_id, channel, update_id, now=uow.context.clock.now())


async def _seen(database: Database, bot_id: int = BOT, channel: str = "telegram") -> list[int]:
    async with database.unit_of_work(read_only=True) as uow:
        return await uow.updates.seen(bot_id, channel)


async def test_an_update_is_recorded_once(database: Database) -> None:
    assert await _record(database, BOT, "telegram", 1)
    assert not await _record(database, BOT, "telegram", 1)
    assert await _record(database, BOT, "telegram", 2)
    assert await _seen(database) == [1, 2]


async def test_the_same_id_of_another_bot_or_channel_is_another_update(database: Database) -> None:
    assert await _record(database, BOT, "telegram", 7)
    assert await _record(database, OTHER_BOT, "telegram", 7)
    assert await _record(database, BOT, "web", 7)
    assert (await _seen(database), await _seen(database, OTHER_BOT), await _seen(database, channel="web")) == (
        [7],
        [7],
        [7],
    )


async def test_a_record_rolled_back_with_its_update_can_be_made_again(database: Database) -> None:
    class HandlerFailed(Exception):
        pass

    with pytest.raises(HandlerFailed):
        async with database.unit_of_work() as uow:
            assert await uow.updates.record(BOT, "telegram", 9, now=uow.context.clock.now())
            raise HandlerFailed
    assert await _seen(database) == []
    assert await _record(database, BOT, "telegram", 9)


async def test_purge_removes_only_records_older_than_the_cutoff(database: Database, clock: FakeClock) -> None:
    start = clock.now()
    await _record(database, BOT, "telegram", 1)
    clock.advance(timedelta(days=2))
    await _record(database, BOT, "telegram", 2)
    async with database.unit_of_work() as uow:
        assert await uow.updates.purge(seen_before=start) == 0
        assert await uow.updates.purge(seen_before=start + timedelta(days=1)) == 1
    assert await _seen(database) == [2]


def test_the_users_lock_key_is_a_stable_signed_64_bit_number_per_user(database: Database) -> None:
    crypto = database.context.crypto
    key = user_lock_key(crypto, BOT, 5, 5)
    assert -(2**63) <= key < 2**63
    assert key == user_lock_key(crypto, BOT, 5, 5)
    assert len({key, user_lock_key(crypto, BOT, 6, 6), user_lock_key(crypto, OTHER_BOT, 5, 5)}) == 3


@pytest.mark.parametrize("how", ["lock_user", "record"])
async def test_on_postgresql_the_same_users_lock_waits_for_the_holders_transaction(
    database: Database, database_url: str, how: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE; lock_user does nothing there")
    holder_locked, release = asyncio.Event(), asyncio.Event()
    order: list[str] = []

    async def holder() -> None:
        async with database.unit_of_work() as uow:
            await uow.lock_user(BOT, 5, 5)
            order.append("holder locked")
            holder_locked.set()
            await release.wait()
            order.append("holder ends")

    async def contender(user: int) -> None:
        async with database.unit_of_work() as uow:
            if how == "lock_user":
                await uow.lock_user(BOT, user, user)
            else:  # the update's record takes the lock in the same statement
                assert await uow.updates.record(BOT, "telegram", user, now=uow.context.clock.now(), user=(user, user))
            order.append(f"user {user} locked")

    held = asyncio.create_task(holder())
    await asyncio.wait_for(holder_locked.wait(), 10)
    await asyncio.wait_for(contender(6), 10)  # another user: does not wait
    same = asyncio.create_task(contender(5))

    async def waiting() -> bool:
        async with database.engine.connect() as connection:
            return bool(await connection.scalar(text(WAITING_ADVISORY_LOCKS)))

    await eventually(waiting, within=10, step=0.01)  # PostgreSQL lists its lock as not granted yet
    assert "user 5 locked" not in order
    release.set()
    await asyncio.wait_for(asyncio.gather(held, same), 10)

    assert order == ["holder locked", "user 6 locked", "holder ends", "user 5 locked"]
