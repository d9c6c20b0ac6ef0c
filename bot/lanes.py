"""Jobs in order per key, keys side by side: each user's updates are handled one after another, in the order
they arrived, while different users are handled concurrently. The web chat and Telegram polling share it."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

Job = Callable[[], Awaitable[None]]


class OrderedLanes:
    def __init__(self) -> None:
        self._queues: dict[Hashable, deque[Job]] = {}
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}
        self._closed = False

    def submit(self, key: Hashable, job: Job) -> None:
        """Run `job` after the jobs already submitted for `key`; jobs handle their own errors."""
        if self._closed:
            raise RuntimeError("the lanes are closed")
        queue = self._queues.setdefault(key, deque())
        queue.append(job)
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._drain(key, queue))

    async def _drain(self, key: Hashable, queue: deque[Job]) -> None:
        try:
            while queue:
                await queue.popleft()()
        finally:
            del self._queues[key]
            del self._tasks[key]

    async def close(self, timeout: float) -> None:
        """Take no more jobs; give the running ones `timeout` seconds to finish, then cancel them (a cancelled
        lane's queued jobs never start)."""
        self._closed = True
        tasks = list(self._tasks.values())
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
