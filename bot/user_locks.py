"""One update of a user at a time in this process: a lock per conversation key, kept only while in use.

aiogram's `SimpleEventIsolation` does the same but keeps every key's lock for the life of the process (one per
user ever seen); here a key's lock goes away when the last update holding or waiting for it is done. Waiters
are served in arrival order (asyncio.Lock is fair), so a user's updates run in the order they reached the lock.
Other instances are kept out by the database (`UnitOfWork.lock_user`, a PostgreSQL advisory lock).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


@dataclass
class _Held:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # updates holding or waiting for the lock


class UserLocks(BaseEventIsolation):
    def __init__(self) -> None:
        self._held: dict[StorageKey, _Held] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        held = self._held.get(key)
        if held is None:
            held = self._held[key] = _Held()
        held.users += 1
        try:
            async with held.lock:
                yield
        finally:
            held.users -= 1
            if held.users == 0:
                del self._held[key]

    def in_use(self) -> int:
        """How many keys have an update holding or waiting for their lock."""
        return len(self._held)

    async def close(self) -> None:
        self._held.clear()
