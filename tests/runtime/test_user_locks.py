"""One update of a user at a time, in arrival order, other users unhindered, and no lock kept once unused."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.user_locks import UserLocks


def _key(user: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user, user_id=user)


async def test_a_users_updates_run_one_at_a_time_in_arrival_order_and_others_do_not_wait() -> None:
    locks = UserLocks()
    release = asyncio.Event()
    ran: list[str] = []

    async def update(user: int, name: str, *, hold: bool = False) -> None:
        async with locks.lock(_key(user)):
            ran.append(f"{name} start")
            if hold:
                await release.wait()
            ran.append(f"{name} end")

    first = asyncio.create_task(update(1, "a1", hold=True))
    await asyncio.sleep(0)  # let the first update take the lock
    second = asyncio.create_task(update(1, "a2"))
    third = asyncio.create_task(update(1, "a3"))
    other = asyncio.create_task(update(2, "b1"))
    await other  # another user's update runs while the first holds its user's lock
    assert ran == ["a1 start", "b1 start", "b1 end"]
    assert locks.in_use() == 1

    release.set()
    await asyncio.gather(first, second, third)
    assert ran[3:] == ["a1 end", "a2 start", "a2 end", "a3 start", "a3 end"]
    assert locks.in_use() == 0  # nothing is kept for users with no update in flight


async def test_a_failing_update_frees_the_lock_for_the_next() -> None:
    locks = UserLocks()

    async def failing() -> None:
        async with locks.lock(_key(1)):
            raise RuntimeError("handler failed")

    results = await asyncio.gather(failing(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert locks.in_use() == 0
    async with asyncio.timeout(1), locks.lock(_key(1)):
        assert locks.in_use() == 1
