"""Telegram's sending limits for one bot, enforced with aiolimiter token buckets.

- The bot's bucket (aiolimiter) paces everything it sends a little below 30 messages/s; it holds three
  tokens, so sends that start late because the event loop was busy catch up instead of losing their slots.
  Requests take it one at a time, in arrival order, so waiting requests never burn tokens between them.
- A window guard makes the limit exact: never more than 30 sends start within 1 s plus `RateLimits.jitter`,
  so requests that reach Telegram a little unevenly still fit in every second.
- Each chat has its own bucket (aiolimiter, one token: 1/s in a private chat, 20/min in a group), and its
  next turn is counted from the *end* of its previous request, so the gap Telegram sees is never shorter.

Time is the event loop's clock.

The outbox waits for its turn (`acquire`), and so do the replies and edits a handler makes during an update,
sent after its commit (bot/replies.py). Calls made through the same Bot outside an update (the error
handler's apology) are counted without being delayed (`RequestCounter`, a Bot session middleware): they use
up capacity the others then wait for.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods.base import TelegramType
from aiolimiter import AsyncLimiter

from domain.delivery import RateLimits

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

MAX_IDLE_CHATS = 10_000
UNCOUNTED_METHODS = frozenset({"SendChatAction"})

# Set while a request is made that acquires its capacity itself: the delivery worker's sends, and an update's
# calls (kept during the update, sent after its commit through `acquire`).
outbox_request: ContextVar[bool] = ContextVar("yuelao_outbox_request", default=False)


@dataclass
class _ChatBucket:
    limiter: AsyncLimiter
    interval: float
    ready_at: float = 0.0  # loop time from which the bucket has a token again


class ChatRateLimiter:
    """The limits of one bot. Create it inside the event loop that uses it."""

    def __init__(self, limits: RateLimits, *, max_idle_chats: int = MAX_IDLE_CHATS) -> None:
        self.limits = limits
        capacity = limits.global_capacity
        self._global = AsyncLimiter(capacity, capacity * limits.global_interval)
        count, self._window = limits.global_window
        self._starts: deque[float] = deque(maxlen=count)
        self._chats: OrderedDict[int, _ChatBucket] = OrderedDict()
        self._max_idle_chats = max_idle_chats
        self._paused_until = 0.0
        self._turn = asyncio.Lock()

    def set_limits(self, limits: RateLimits) -> None:
        """Pace the bot at `limits` from now on (its share when several instances send for it:
        `RateLimits.shared_by`); the sends of the last window still count. Chats keep their buckets."""
        if limits == self.limits:
            return
        self.limits = limits
        capacity = limits.global_capacity
        self._global = AsyncLimiter(capacity, capacity * limits.global_interval)
        count, self._window = limits.global_window
        self._starts = deque(self._starts, maxlen=count)

    async def acquire(self, chat_id: int) -> None:
        """Wait until one more message to `chat_id` is within every limit, then take the capacity.

        The chat's own turn is awaited first, so a message that must wait for its chat does not hold up the
        others; then requests take the bot's capacity one at a time, in arrival order.
        """
        loop = asyncio.get_running_loop()
        bucket = self._bucket(chat_id)
        while True:  # the chat's turn first, holding nothing the other chats need
            wait = bucket.ready_at - loop.time()
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        async with self._turn:  # one request at a time takes the bot's capacity, in arrival order
            await self._until_clear()
            await self._global.acquire()
            await self._until_clear()  # a 429 or a direct reply may have come meanwhile
            await bucket.limiter.acquire()
            now = loop.time()
            self._starts.append(now)
            bucket.ready_at = now + bucket.interval

    async def _until_clear(self) -> None:
        """Wait out a 429 pause and a full window."""
        loop = asyncio.get_running_loop()
        while True:
            wait = max(self._paused_until, self._window_opens()) - loop.time()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def done(self, chat_id: int) -> None:
        """The request to `chat_id` is answered: its next turn counts from now (Telegram saw it by now)."""
        bucket = self._chats.get(chat_id)
        if bucket is not None:
            bucket.ready_at = max(bucket.ready_at, asyncio.get_running_loop().time() + bucket.interval)

    def _window_opens(self) -> float:
        """When one more send fits in the window guard."""
        if len(self._starts) < (self._starts.maxlen or 1):
            return 0.0
        return self._starts[0] + self._window

    async def charge(self, chat_id: int | None) -> None:
        """Count a request that must not wait: it takes whatever capacity is free and never blocks."""
        if self._global.has_capacity():
            await self._global.acquire()
        self._starts.append(asyncio.get_running_loop().time())
        if chat_id is None:
            return
        bucket = self._bucket(chat_id)
        if bucket.limiter.has_capacity():
            await bucket.limiter.acquire()
        bucket.ready_at = max(bucket.ready_at, asyncio.get_running_loop().time() + bucket.interval)

    def pause(self, seconds: float) -> None:
        """Telegram answered 429: send nothing for `seconds` (the bot is flood-limited, not just one chat)."""
        until = asyncio.get_running_loop().time() + max(seconds, 0.0)
        self._paused_until = max(self._paused_until, until)

    def _bucket(self, chat_id: int) -> _ChatBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            interval = self.limits.chat_interval(chat_id)
            bucket = self._chats[chat_id] = _ChatBucket(AsyncLimiter(1, interval), interval)
            self._forget_idle()
        else:
            self._chats.move_to_end(chat_id)
        return bucket

    def _forget_idle(self) -> None:
        """Drop the least recently used buckets that are full again (a new one would be identical)."""
        if len(self._chats) <= self._max_idle_chats:
            return
        now = asyncio.get_running_loop().time()
        for chat_id in list(self._chats):
            if len(self._chats) <= self._max_idle_chats:
                break
            if self._chats[chat_id].ready_at <= now:
                del self._chats[chat_id]


def is_counted(method: object) -> bool:
    """Whether a Bot API method sends or changes a message (those count against the limits)."""
    name = type(method).__name__
    if name in UNCOUNTED_METHODS:
        return False
    return name.startswith(("Send", "Edit", "Copy", "Forward"))


class RequestCounter(BaseRequestMiddleware):
    """Bot session middleware: counts the bot's direct replies and edits against its limiter."""

    def __init__(self, limiter: ChatRateLimiter) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not outbox_request.get() and is_counted(method):
            chat_id = getattr(method, "chat_id", None)
            await self.limiter.charge(chat_id if isinstance(chat_id, int) else None)
        return await make_request(bot, method)
