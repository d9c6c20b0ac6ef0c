"""The delivery worker: claims outbox messages, sends them through the channel's Bot within its limits, and
records each outcome. Only the leader runs one (see bot/delivery/service.py).

Each message goes: claimed (state `sending`, a lease, committed) -> its chat's turn and the bot's capacity
(`ChatRateLimiter`) -> the Bot API call -> the outcome, committed in a unit of work of its own. A process that
dies between the call and that commit leaves the row `sending`; it is claimed again once its lease expires
and sent a second time (at-least-once; Telegram has no idempotency key). While the worker lives it renews the
leases of the rows it holds (bot/delivery/leases.py), so a row waiting for its turn is never claimed twice.
Nothing is dropped silently: every message ends `sent`, `failed` (parked with its reason, for staff) or
`cancelled` (its recipient blocked us).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aiogram import Bot
from sqlalchemy.exc import SQLAlchemyError

from bot.delivery.leases import HeldLeases
from bot.delivery.limiter import ChatRateLimiter, outbox_request
from bot.delivery.sender import classify, sent_message_id
from bot.delivery.waiting import wait_for_event
from domain.clock import Clock
from domain.delivery import RecipientUnreachable
from domain.retry import Decision, FailureKind, Outcome, RetryPolicy, SendFailure
from handlers.services.operations import UnreachableCallback
from handlers.views.outbound import to_method
from storage.database import Database
from storage.errors import StorageError
from storage.repositories.delivery import ClaimedMessage, LeaderFence, OutboxRepository
from storage.unit_of_work import UnitOfWork

log = logging.getLogger("yuelao.delivery")

LEASE_MARGIN = timedelta(seconds=5)  # do not start a send this close to the end of its lease (at most)
RECORD_AGAIN_AFTER = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds between tries to write down a send that went out


@dataclass(frozen=True)
class WorkerConfig:
    lease: timedelta = timedelta(minutes=2)
    poll_interval: float = 1.0  # seconds between looks at the outbox when nothing wakes the worker
    max_in_flight: int = 64  # claimed messages waiting for their turn or being sent
    request_timeout: int = 30  # seconds for one Bot API call
    stop_timeout: float = 35.0  # how long `stop` waits for calls already on the wire


@dataclass
class DeliveryStats:
    """Counters since the worker started (for logs, benchmarks and a later /outbox command)."""

    sent: int = 0
    retried: int = 0
    rate_limited: int = 0
    parked: int = 0
    unreachable: int = 0
    cancelled: int = 0
    lost_claims: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


class DeliveryWorker:
    def __init__(
        self,
        database: Database,
        bots: Mapping[str, Bot],
        limiters: Mapping[str, ChatRateLimiter],
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
        config: WorkerConfig | None = None,
        fence: LeaderFence | None = None,
        on_unreachable: UnreachableCallback | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if set(bots) != set(limiters):
            raise ValueError("every channel needs a bot and a limiter")
        self._database = database
        self._bots = dict(bots)
        self._limiters = dict(limiters)
        self._clock = clock
        self._config = config or WorkerConfig()
        self._fence = fence
        self._token = uuid.uuid4().hex
        self._leases = HeldLeases(self._token, self._config.lease)
        self._renewing = asyncio.Event()  # set when the worker has stopped: no more renewals
        self._renewal: asyncio.Task[None] | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._on_the_wire: set[int] = set()
        self._not_tried: list[int] = []
        self._wake = asyncio.Event()
        self._nudged = False
        self._stopping = False
        self._looping: asyncio.Event | None = None  # set when `run` has returned
        self.stats = DeliveryStats()
        self._outcomes = OutcomeRecorder(
            database, clock, policy=policy, on_unreachable=on_unreachable, rng=rng, stats=self.stats
        )

    @property
    def channels(self) -> list[str]:
        return sorted(self._bots)

    def wake(self) -> None:
        """Look at the outbox now (e.g. right after a unit of work that enqueued something committed)."""
        self._nudged = True
        self._wake.set()

    async def run(self) -> None:
        """Deliver until `stop()`: claim what may be sent, hand each message to a task, repeat.

        Claims are batched: after a message finishes the worker claims again once an eighth of its slots
        are free (or when woken, or after `poll_interval`), not after every single message.
        """
        finished = asyncio.Event()
        self._looping = finished
        if self._renewal is None:
            self._renewal = asyncio.create_task(
                self._leases.keep(self._database, self._clock, self._renewing), name="yuelao-delivery-leases"
            )
        batch = max(1, self._config.max_in_flight // 8)
        claim_now = True
        try:
            while not self._stopping:
                free = self._config.max_in_flight - len(self._tasks)
                claimed: list[ClaimedMessage] = []
                if free > 0 and (claim_now or free >= batch or not self._tasks):
                    claimed = await self._claim(free)
                if self._stopping:  # claimed while stopping: give them back untried
                    self._not_tried.extend(message.id for message in claimed)
                    break
                for message in claimed:
                    self._start(message)
                if free > 0 and len(claimed) == free:
                    await asyncio.sleep(0)  # there may be more right away
                    continue
                woken = await wait_for_event(self._wake, self._config.poll_interval)
                self._wake.clear()
                claim_now = not woken or self._nudged
                self._nudged = False
        finally:
            finished.set()

    async def run_once(self) -> int:
        """Claim everything that may be sent now and deliver it; returns how many messages were tried."""
        tried = 0
        while True:
            claimed = await self._claim(self._config.max_in_flight)
            if not claimed:
                return tried
            for message in claimed:
                self._start(message)
            tried += len(claimed)
            await asyncio.gather(*self._tasks.values())

    async def stop(self) -> None:
        """Stop claiming; give back messages still waiting for their turn; let calls on the wire finish."""
        self._stopping = True
        self._wake.set()
        if self._looping is not None:
            await self._looping.wait()
        for message_id, task in list(self._tasks.items()):
            if message_id not in self._on_the_wire:
                task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks.values()), timeout=self._config.stop_timeout)
        for task in list(self._tasks.values()):  # still on the wire after the timeout: the lease covers it
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks.values()))
        not_tried, self._not_tried = self._not_tried, []
        if not_tried:
            try:
                async with self._database.unit_of_work() as uow:
                    released = await OutboxRepository.of(uow).release(not_tried, self._token)
                log.info("delivery stopped; %d claimed messages given back", released)
            except (SQLAlchemyError, OSError, StorageError) as exc:
                log.warning(
                    "could not give back %d claimed messages (%s); their leases will expire",
                    len(not_tried),
                    type(exc).__name__,
                )
        self._renewing.set()
        if self._renewal is not None:
            await self._renewal

    # --- claiming ---------------------------------------------------------------------------------------

    async def _claim(self, limit: int) -> list[ClaimedMessage]:
        now = self._clock.now()
        try:
            async with self._database.unit_of_work() as uow:
                return await OutboxRepository.of(uow).claim(
                    now=now,
                    limit=limit,
                    lease=self._config.lease,
                    channels=self.channels,
                    token=self._token,
                    fence=self._fence,
                )
        except (SQLAlchemyError, OSError, StorageError) as exc:
            log.warning("could not claim outbox messages (%s); trying again", type(exc).__name__)
            return []

    def _start(self, message: ClaimedMessage) -> None:
        self._leases.hold([message.id], message.lease_until)
        task = asyncio.create_task(self._deliver(message), name=f"outbox-{message.id}")
        self._tasks[message.id] = task
        task.add_done_callback(lambda _: self._finished(message.id))

    def _finished(self, message_id: int) -> None:
        self._tasks.pop(message_id, None)
        self._on_the_wire.discard(message_id)
        self._leases.drop([message_id])
        self._wake.set()

    # --- one message --------------------------------------------------------------------------------------

    async def _deliver(self, message: ClaimedMessage) -> None:
        channel = message.chat.channel.value
        limiter, bot = self._limiters[channel], self._bots[channel]
        try:
            await limiter.acquire(message.chat.chat_id)
        except asyncio.CancelledError:
            self._not_tried.append(message.id)
            raise
        lease_until = self._leases.until(message.id, message.lease_until)
        if self._clock.now() >= lease_until - min(LEASE_MARGIN, self._config.lease / 4):
            self.stats.lost_claims += 1
            log.warning("outbox %d: lease ran out before its turn; it will be claimed again", message.id)
            return
        self._on_the_wire.add(message.id)
        marker = outbox_request.set(True)
        try:
            result = await bot(to_method(message.chat, message.message), request_timeout=self._config.request_timeout)
        except asyncio.CancelledError:
            log.warning("outbox %d: stopped during its Bot API call; its lease will expire", message.id)
            raise
        except Exception as error:  # every failure is classified and recorded
            limiter.done(message.chat.chat_id)
            await self._outcomes.failure(message, classify(error), limiter)
            return
        finally:
            outbox_request.reset(marker)
        limiter.done(message.chat.chat_id)
        await self._outcomes.success(message, result)


class OutcomeRecorder:
    """Records how a send of a claimed outbox row went, each outcome in a unit of work of its own: sent, a
    retry later, parked, or its recipient unreachable. Used by the worker and by the replies sent right
    after their update's commit (bot/replies.py), so a failed reply is left to the worker exactly as if the
    worker had tried it."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
        on_unreachable: UnreachableCallback | None = None,
        rng: random.Random | None = None,
        stats: DeliveryStats | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._policy = policy or RetryPolicy()
        self._on_unreachable = on_unreachable
        self._rng = rng or random.Random()  # jitter, not secrets
        self.stats = stats or DeliveryStats()

    async def success(self, message: ClaimedMessage, result: Any) -> None:
        """Write down a send that went out. A failed write is tried again (the worker keeps the row's lease
        meanwhile): given up, the row is sent again after its lease, once more than it should."""
        now = self._clock.now()
        for again_after in (*RECORD_AGAIN_AFTER, None):
            try:
                async with self._database.unit_of_work() as uow:
                    recorded = await OutboxRepository.of(uow).mark_sent(
                        message.id, message.claim_token, now=now, sent_message_id=sent_message_id(result)
                    )
                break
            except (SQLAlchemyError, OSError, StorageError) as exc:
                if again_after is None:
                    log.error(
                        "outbox %d: sent, but recording it failed (%s); it may be sent again after its lease",
                        message.id,
                        type(exc).__name__,
                    )
                    return
                log.warning(
                    "outbox %d: sent, but recording it failed (%s); trying again in %.1f s",
                    message.id,
                    type(exc).__name__,
                    again_after,
                )
                await asyncio.sleep(again_after)
        if recorded:
            self.stats.sent += 1
            log.debug("outbox %d sent (attempt %d)", message.id, message.attempts)
        else:
            self.stats.lost_claims += 1
            log.warning("outbox %d: sent after its lease was taken over; it may have been sent twice", message.id)

    async def failure(self, message: ClaimedMessage, failure: SendFailure, limiter: ChatRateLimiter | None) -> None:
        now = self._clock.now()
        if failure.kind is FailureKind.RATE_LIMITED and failure.retry_after is not None:
            if limiter is not None:
                limiter.pause(failure.retry_after)
            self.stats.rate_limited += 1
        decision = self._policy.decide(
            failure, failures=message.failures, attempts=message.attempts, now=now, rng=self._rng
        )
        try:
            async with self._database.unit_of_work() as uow:
                recorded = await self._apply(uow, message, decision, now)
        except (SQLAlchemyError, OSError, StorageError) as exc:
            log.error(
                "outbox %d: could not record %s (%s); it will be tried again after its lease",
                message.id,
                decision.outcome.value,
                type(exc).__name__,
            )
            return
        if not recorded:
            self.stats.lost_claims += 1
            log.warning("outbox %d: its lease was taken over before the outcome was recorded", message.id)
            return
        self.stats.outcomes[failure.kind.value] = self.stats.outcomes.get(failure.kind.value, 0) + 1
        if decision.outcome is Outcome.RETRY:
            self.stats.retried += 1
            assert decision.retry_at is not None
            log.info(
                "outbox %d: %s; retry in %.1f s (attempt %d)",
                message.id,
                decision.reason,
                (decision.retry_at - now).total_seconds(),
                message.attempts,
            )
        elif decision.outcome is Outcome.PARK:
            self.stats.parked += 1
            log.warning(
                "outbox %d parked as failed after %d attempts: %s", message.id, message.attempts, decision.reason
            )

    async def _apply(self, uow: UnitOfWork, message: ClaimedMessage, decision: Decision, now: Any) -> bool:
        outbox = OutboxRepository.of(uow)
        if decision.outcome is Outcome.RETRY:
            assert decision.retry_at is not None
            return await outbox.schedule_retry(
                message.id,
                message.claim_token,
                retry_at=decision.retry_at,
                reason=decision.reason,
                counts_as_failure=decision.counts_as_failure,
            )
        if decision.outcome is Outcome.PARK:
            return await outbox.park(message.id, message.claim_token, reason=decision.reason, now=now)
        if not await outbox.park(message.id, message.claim_token, reason=decision.reason, now=now):
            return False
        cancelled = await outbox.cancel_chat_of(message.id, reason="recipient unreachable (blocked the bot)", now=now)
        if message.account_id is not None:
            try:
                async with uow.session.begin_nested():
                    await uow.accounts.mark_unreachable(message.account_id, now)
            except StorageError as exc:  # deleted meanwhile: nothing to mark
                log.info("outbox %d: account not marked unreachable (%s)", message.id, type(exc).__name__)
        self.stats.unreachable += 1
        self.stats.cancelled += cancelled
        log.warning(
            "outbox %d: recipient unreachable (%s); %d pending messages to the chat cancelled",
            message.id,
            decision.reason,
            cancelled,
        )
        if self._on_unreachable is not None:
            event = RecipientUnreachable(message.id, message.account_id, message.chat.channel.value, cancelled)
            try:
                async with uow.session.begin_nested():
                    await self._on_unreachable(uow, event)
            except Exception:  # the 403 is recorded whatever the hook does
                log.exception("outbox %d: the on_unreachable hook failed", message.id)
        return True
