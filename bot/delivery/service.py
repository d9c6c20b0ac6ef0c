"""`Background`: everything the bot does on its own, started and stopped with the app.

    background = Background(database, clock, BackgroundSettings(...))
    background.registry.register("date.reminder", send_date_reminder)   # features, before start
    background.on_unreachable = tell_counselor                            # optional hook for 403s
    await background.start({"telegram": bot})                             # returns at once
    ...
    await background.stop()

Each instance competes for leadership (bot/delivery/leadership.py). The leader runs APScheduler with the
scheduled-job ticks (bot/scheduling) and the delivery worker (bot/delivery/worker.py); a standby waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from aiogram import Bot

from bot import replies
from bot.delivery.leadership import LEADER_LOCK_KEY, LeaderElection, LeaderTerm
from bot.delivery.limiter import ChatRateLimiter, RequestCounter
from bot.delivery.waiting import wait_for_event
from bot.delivery.worker import DeliveryWorker, WorkerConfig
from bot.scheduling.runner import DEFAULT_JOB_RETRY, DueJobRunner, JobObserver
from bot.scheduling.service import SchedulerService
from domain.clock import Clock
from domain.delivery import RateLimits
from domain.retry import RetryPolicy
from domain.scheduling import DEFAULT_GRACE
from handlers.services.job_registry import JobRegistry
from handlers.services.operations import UnreachableCallback
from storage.database import Database

log = logging.getLogger("yuelao.background")


@dataclass(frozen=True)
class BackgroundSettings:
    limits: RateLimits = field(default_factory=RateLimits)
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # outbox sends
    job_retry: RetryPolicy = DEFAULT_JOB_RETRY  # failing job handlers
    grace: timedelta = DEFAULT_GRACE  # a job found later than this after its due time is recorded as missed
    worker: WorkerConfig = field(default_factory=WorkerConfig)
    scheduler_tick: float = 1.0
    purge_interval: float = 3600.0
    retention: timedelta = timedelta(days=14)  # finished outbox rows and jobs are deleted after this
    leader_retry_interval: float = 5.0
    leader_check_interval: float = 5.0
    lock_key: int = LEADER_LOCK_KEY
    count_direct_requests: bool = True  # count replies and edits made through the same Bots


class Background:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: BackgroundSettings | None = None,
        *,
        registry: JobRegistry | None = None,
        on_unreachable: UnreachableCallback | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self.settings = settings or BackgroundSettings()
        self.registry = registry or JobRegistry()
        self.on_unreachable = on_unreachable
        self.job_observer: JobObserver | None = None  # told of each scheduled job finished (metrics)
        self._rng = rng or random.Random()  # jitter, not secrets
        self._election = LeaderElection(
            database,
            key=self.settings.lock_key,
            retry_interval=self.settings.leader_retry_interval,
            check_interval=self.settings.leader_check_interval,
        )
        self._election.on_instances = self._share_limits
        self._bots: dict[str, Bot] = {}
        self._limiters: dict[str, ChatRateLimiter] = {}
        self._counters: dict[str, RequestCounter] = {}
        self._installed_replies: set[str] = set()
        self._renewals: list[asyncio.Task[None]] = []  # the leases of each channel's reply rows
        self._stop = asyncio.Event()
        self._leading = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.worker: DeliveryWorker | None = None
        self.scheduler: SchedulerService | None = None
        self.terms = 0

    @property
    def is_leader(self) -> bool:
        return self._leading.is_set()

    def limiter(self, channel: str) -> ChatRateLimiter:
        return self._limiters[channel]

    async def start(self, bots: Mapping[str, Bot]) -> None:
        """Start competing for leadership with one Bot per channel ("telegram", "web"); returns at once."""
        if self._task is not None:
            raise RuntimeError("Background is already started")
        self._stop.clear()
        self._bots = dict(bots)
        for channel, bot in self._bots.items():
            limits = self.settings.limits.shared_by(self._election.instances)
            limiter = self._limiters[channel] = ChatRateLimiter(limits)
            if replies.configure(
                bot,
                limiter=limiter,
                policy=self.settings.retry,
                on_unreachable=self.on_unreachable,
                lease=self.settings.worker.lease,
            ):
                self._installed_replies.add(channel)
            if self.settings.count_direct_requests:
                counter = self._counters[channel] = RequestCounter(limiter)
                bot.session.middleware(counter)
            self._renewals.append(
                asyncio.create_task(
                    replies.keep_leases(bot, self._database, self._clock, self._stop), name=f"yuelao-{channel}-leases"
                )
            )
        self._task = asyncio.create_task(self._run(), name="yuelao-background")

    async def stop(self) -> None:
        """Stand down (if leading) and stop competing; returns when the scheduler and worker have stopped."""
        self._stop.set()
        task, self._task = self._task, None
        if task is not None:
            await task
        for channel, counter in self._counters.items():
            with contextlib.suppress(ValueError):
                self._bots[channel].session.middleware.unregister(counter)
        self._counters.clear()
        renewals, self._renewals = self._renewals, []
        await asyncio.gather(*renewals)
        for channel, bot in self._bots.items():  # replies no longer paced by a limiter that is gone
            await replies.flush_sent(bot)
            if channel in self._installed_replies:
                replies.uninstall(bot)
            else:
                replies.configure(bot, limiter=None)
        self._installed_replies.clear()

    def _share_limits(self, instances: int) -> None:
        """Several instances send for one bot: each paces itself at its share of the bot's limit."""
        limits = self.settings.limits.shared_by(instances)
        for limiter in self._limiters.values():
            limiter.set_limits(limits)
        log.info("sending at up to %.1f messages/s here (%d instances)", limits.messages_per_second, instances)

    async def wait_until_leader(self) -> None:
        await self._leading.wait()

    def wake(self) -> None:
        """Ask the delivery worker to look at the outbox now (after a commit that enqueued something)."""
        if self.worker is not None:
            self.worker.wake()

    async def _run(self) -> None:
        try:
            while not self._stop.is_set():
                term = await self._election.acquire(self._stop)
                if term is None:
                    return
                try:
                    await self._lead(term)
                except Exception:
                    log.exception("the leader's term ended with an error")
                finally:
                    await self._election.release(term)
                # after losing the lock, give a standby the first chance to take over
                await wait_for_event(self._stop, self.settings.leader_retry_interval)
        finally:
            await self._election.close()

    async def _lead(self, term: LeaderTerm) -> None:
        settings = self.settings
        self.terms += 1
        worker = DeliveryWorker(
            self._database,
            self._bots,
            self._limiters,
            self._clock,
            policy=settings.retry,
            config=settings.worker,
            fence=term.fence,
            on_unreachable=self.on_unreachable,
            rng=self._rng,
        )
        runner = DueJobRunner(
            self._database,
            self.registry,
            self._clock,
            grace=settings.grace,
            policy=settings.job_retry,
            fence=term.fence,
            rng=self._rng,
            observer=self.job_observer,
        )
        scheduler = SchedulerService(
            self._database,
            runner,
            self._clock,
            tick=settings.scheduler_tick,
            purge_interval=settings.purge_interval,
            retention=settings.retention,
        )
        self.worker, self.scheduler = worker, scheduler
        scheduler.start()
        worker_task = asyncio.create_task(worker.run(), name="yuelao-delivery")
        hold_task = asyncio.create_task(self._election.hold(term, self._stop), name="yuelao-leader-lock")
        self._leading.set()
        log.info("leading: scheduler and delivery worker started")
        try:
            await asyncio.wait({worker_task, hold_task}, return_when=asyncio.FIRST_COMPLETED)
            if worker_task.done() and not worker_task.cancelled() and worker_task.exception() is not None:
                log.error("the delivery worker stopped with %s; standing down",
                          type(worker_task.exception()).__name__)
        finally:
            self._leading.clear()
            hold_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await hold_task
            await scheduler.stop()
            await worker.stop()
            if not worker_task.done():
                await worker_task
            self.worker = self.scheduler = None
            log.info("no longer leading: scheduler and delivery worker stopped")
