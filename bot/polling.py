"""Long polling with per-user lanes and a low-water-mark offset.

Updates of different users are handled side by side, each user's strictly in the order Telegram delivered them
(one lane per user, else per chat; updates with neither share one lane of their own). At most
`max_in_flight` updates are held at once (queued in a lane or being handled); while that many are held, no
getUpdates is sent (back-pressure), and a batch never asks for more than the room left.

The offset sent to Telegram is the low-water mark: the lowest update_id not acknowledged yet, or, when everything
received is acknowledged, the newest one + 1. An update is acknowledged once its transaction committed
(`bot.acknowledge`: its effects and update-id dedupe row are stored, its replies insured by outbox rows, so
Telegram need not send it again), or, when it never commits (it raised, or nothing committed), once its handling
ended. Telegram forgets an update only once the offset passed it, so a crash re-delivers exactly what was
received and not acknowledged. Acknowledged updates above the mark are remembered, so one that Telegram sends
again (the offset had not passed it yet) is not handled twice by this process (other processes and restarts rely
on the update-id dedupe in the database). An update whose handling raised counts as finished: aiogram's error
handlers already ran; it is logged and not retried.

An update counts against `max_in_flight` until its handling ended (its replies sent), not only until its commit: the
cap bounds the work in memory, the offset only what Telegram keeps. Acknowledging at the commit matters for latency:
while any update above the offset is unacknowledged, Telegram does not hold a long poll (it has those updates to
return), so each getUpdates comes back at once with them. The commit comes a few milliseconds into an update, its
replies a round trip or two later; so while updates come slower than about one per round trip, nothing
unacknowledged sits above the offset when the next request arrives and a new update reaches the waiting long poll at
once. Faster than that, every request finds updates waiting and comes back at once anyway, and an update waits at
Telegram for the next request, half a round trip on average (docs/architecture.md). When a batch brings nothing new
the poller asks again once the offset moved or after `repoll_interval`, whichever is first. Telegram returns at most
100 updates from the offset, so a single slow update stalls fetching once 100 newer ones are received (the cap is
normally far lower).

`stop()` (SIGTERM/SIGINT in `run_bot.py run`) stops fetching, gives the updates in flight `shutdown_grace`
seconds to finish, cancels the rest (those not committed yet are not acknowledged, so Telegram sends them again;
a committed one's unsent replies are the outbox worker's) and acknowledges the final offset.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Hashable
from contextlib import suppress

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig

from bot.acknowledge import acknowledging
from bot.lanes import OrderedLanes

log = logging.getLogger("yuelao.polling")

# Telegram returns at most 100 updates per getUpdates.
_BATCH_LIMIT = 100
_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)
_NO_SENDER = ("no sender",)


def lane_key(update: Update) -> Hashable:
    """The update's user, else its chat; updates with neither share one lane."""
    try:
        event = update.event
    except Exception:  # a kind of update this aiogram does not know
        return _NO_SENDER
    user = getattr(event, "from_user", None) or getattr(event, "user", None)
    if user is not None:
        return ("user", user.id)
    chat = getattr(event, "chat", None)
    if chat is not None:
        return ("chat", chat.id)
    return _NO_SENDER


class Offsets:
    """Which received updates are acknowledged or finished, and the offset that acknowledges exactly those below
    the first unacknowledged one."""

    def __init__(self) -> None:
        self.low_water: int | None = None
        self._unfinished: set[int] = set()  # received, handling not ended: counted against the cap
        self._unacknowledged: set[int] = set()  # received, neither committed nor finished: the offset stays below
        self._acknowledged_above: set[int] = set()  # committed or finished, at or above the offset
        self._newest: int | None = None

    @property
    def held(self) -> int:
        """Updates received and not finished."""
        return len(self._unfinished)

    @property
    def known(self) -> int:
        """Updates at or above the offset already received: Telegram sends them again before any new one."""
        return len(self._unacknowledged) + len(self._acknowledged_above)

    @property
    def unfinished(self) -> frozenset[int]:
        return frozenset(self._unfinished)

    def receive(self, update_id: int) -> bool:
        """Take an update in; False when it was received before (still running, or acknowledged)."""
        if self.low_water is not None and update_id < self.low_water:
            return False
        if update_id in self._unacknowledged or update_id in self._acknowledged_above:
            return False
        self._unfinished.add(update_id)
        self._unacknowledged.add(update_id)
        self._newest = update_id if self._newest is None else max(self._newest, update_id)
        if self.low_water is None:
            self.low_water = update_id
        self._advance()
        return True

    def acknowledge(self, update_id: int) -> None:
        """The update committed: the offset may pass it (it still counts as held until `finish`)."""
        if update_id in self._unacknowledged:
            self._unacknowledged.discard(update_id)
            self._acknowledged_above.add(update_id)
            self._advance()

    def finish(self, update_id: int) -> None:
        self._unfinished.discard(update_id)
        self.acknowledge(update_id)

    def _advance(self) -> None:
        if self._newest is None:
            return
        self.low_water = min(self._unacknowledged) if self._unacknowledged else self._newest + 1
        low = self.low_water
        self._acknowledged_above = {done for done in self._acknowledged_above if done >= low}


class UpdatePoller:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        *,
        max_in_flight: int,
        polling_timeout: int = 25,
        shutdown_grace: float = 20.0,
        repoll_interval: float = 0.02,
        allowed_updates: list[str] | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self._dp = dp
        self._bot = bot
        self._max_in_flight = max_in_flight
        self._polling_timeout = polling_timeout
        self._shutdown_grace = shutdown_grace
        self._allowed_updates = allowed_updates if allowed_updates is not None else dp.resolve_used_update_types()
        self.offsets = Offsets()
        self._lanes = OrderedLanes()
        self._room = asyncio.Condition()
        self._stopping = asyncio.Event()
        self._repoll_interval = repoll_interval
        self._acknowledged: int | None = None

    def stop(self) -> None:
        """Stop fetching; `run` then lets the updates in flight finish and returns."""
        if not self._stopping.is_set():
            log.info("stopping: %d updates in flight get up to %.0f s", self.offsets.held, self._shutdown_grace)
        self._stopping.set()
        asyncio.get_running_loop().create_task(self._notify())

    async def run(self) -> None:
        try:
            await self._fetch_until_stopped()
        finally:
            await self._lanes.close(self._shutdown_grace)
            await self._acknowledge_final_offset()

    # --- fetching -----------------------------------------------------------------------------------------
    async def _fetch_until_stopped(self) -> None:
        backoff = Backoff(config=_BACKOFF)
        while not self._stopping.is_set():
            if not await self._until_room():
                return
            # Telegram answers from the offset on: first the updates already known (running, or finished above
            # the mark), then new ones; ask for exactly as many new ones as there is room for.
            method = GetUpdates(
                offset=self.offsets.low_water,
                limit=min(_BATCH_LIMIT, self.offsets.known + self._max_in_flight - self.offsets.held),
                timeout=self._polling_timeout,
                allowed_updates=self._allowed_updates,
            )
            fetching = asyncio.ensure_future(self._bot(method, request_timeout=self._polling_timeout + 10))
            stopping = asyncio.ensure_future(self._stopping.wait())
            try:
                await asyncio.wait((fetching, stopping), return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
            if not fetching.done():
                # Stopping: whatever that request would bring is not acknowledged, so Telegram sends it again.
                fetching.cancel()
                with suppress(asyncio.CancelledError, Exception):
                    await fetching
                return
            try:
                updates = fetching.result()
            except TelegramRetryAfter as exc:
                log.warning("getUpdates: flood control, retrying in %s s", exc.retry_after)
                await self._pause(exc.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as exc:
                delay = next(backoff)
                log.warning("getUpdates failed (%s); retrying in %.1f s", type(exc).__name__, delay)
                await self._pause(delay)
                continue
            backoff.reset()
            self._acknowledged = method.offset
            accepted = [update for update in updates if self._accept(update)]
            if updates and not accepted and self.offsets.held:
                # Only updates not acknowledged yet came back (Telegram holds no long poll while any update above
                # the offset waits): ask again once the offset moves, or after `repoll_interval` for new ones.
                await self._until_offset_moves(method.offset)

    async def _until_room(self) -> bool:
        """Wait while the cap is reached, or while Telegram's window of 100 updates from the offset holds no
        new one; False when stopping meanwhile."""
        async with self._room:
            while not self._stopping.is_set() and (
                self.offsets.held >= self._max_in_flight or self.offsets.known >= _BATCH_LIMIT
            ):
                await self._room.wait()
        return not self._stopping.is_set()

    async def _until_offset_moves(self, offset: int | None) -> None:
        async with self._room:
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    self._room.wait_for(lambda: self.offsets.low_water != offset or self._stopping.is_set()),
                    self._repoll_interval,
                )

    async def _pause(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _accept(self, update: Update) -> bool:
        if self.offsets.held >= self._max_in_flight:
            return False  # no room: not received, so the offset stays below it and Telegram sends it again
        if not self.offsets.receive(update.update_id):
            return False  # received before: running, or finished and not acknowledged yet
        self._lanes.submit(lane_key(update), lambda: self._handle(update))
        return True

    # --- handling ---------------------------------------------------------------------------------------
    async def _handle(self, update: Update) -> None:
        async def committed() -> None:
            self.offsets.acknowledge(update.update_id)
            await self._notify()

        try:
            with acknowledging(committed):
                await self._dp.feed_update(self._bot, update, channel="telegram")
        except Exception as exc:
            # The error handlers already ran; the update is done, not retried (it would fail the same way).
            log.error("update %s failed: %s", update.update_id, type(exc).__name__)
        # Cancelled (shutdown grace over): not finished; unless it committed, Telegram sends it again.
        self.offsets.finish(update.update_id)
        await self._notify()

    async def _acknowledge_final_offset(self) -> None:
        offset = self.offsets.low_water
        if offset is None or offset == self._acknowledged:
            return
        try:
            # Telegram forgets every update below `offset`; what this call returns is not acknowledged.
            await self._bot(GetUpdates(offset=offset, limit=1, timeout=0, allowed_updates=self._allowed_updates))
            self._acknowledged = offset
        except Exception as exc:
            log.warning("could not acknowledge the last updates (%s); Telegram sends them again", type(exc).__name__)

    async def _notify(self) -> None:
        async with self._room:
            self._room.notify_all()
