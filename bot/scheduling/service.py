"""APScheduler 3 on the event loop: it only says *when* to look at the database, never *what* is due.

Jobs (fixed ids, module-level functions, given the service they drive):
- `RUN_DUE_JOB_ID`, every `tick` seconds and once at start: run every due row (this is also how pending rows
  are armed again after a restart: the first tick sees them, late ones within the grace period run, older
  ones are recorded as missed);
- `WAKE_JOB_ID`, a one-off at the next due time when that comes before the next tick, so a job runs on time
  rather than up to one tick late;
- `PURGE_JOB_ID`, hourly: delete finished outbox rows and jobs older than the retention period, and the
  processed-update records (the update-id dedupe) older than `UPDATE_RETENTION`.

A row scheduled by a feature while the service runs is found by the next tick (at most `tick` late if it
was due that soon). APScheduler keeps nothing: its job store is memory, the rows are the truth.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.exc import SQLAlchemyError

from bot.scheduling.runner import DueJobRunner
from domain.clock import Clock
from storage.database import Database
from storage.errors import StorageError
from storage.repositories.delivery import OutboxRepository, ScheduledJobsRepository

log = logging.getLogger("yuelao.scheduling")

RUN_DUE_JOB_ID = "yuelao.scheduling.run_due"
WAKE_JOB_ID = "yuelao.scheduling.wake"
PURGE_JOB_ID = "yuelao.delivery.purge"
EXECUTOR = "yuelao"
# APScheduler logs every run and every re-armed job at INFO; ours say what matters.
APSCHEDULER_LOGGER = "yuelao.scheduling.apscheduler"
TICK_BUDGET = 0.8  # fraction of a tick a run may take before it yields to the next one
# How long an update's id is remembered: Telegram redelivers an unacknowledged update for at most 24 hours.
UPDATE_RETENTION = timedelta(days=7)


async def run_due_jobs(service: SchedulerService) -> None:
    """The tick: run what is due, then arm the wake-up for the next due row."""
    await service.tick()


async def purge_finished(service: SchedulerService) -> None:
    await service.purge()


class SchedulerService:
    def __init__(
        self,
        database: Database,
        runner: DueJobRunner,
        clock: Clock,
        *,
        tick: float = 1.0,
        purge_interval: float = 3600.0,
        retention: timedelta = timedelta(days=14),
        update_retention: timedelta = UPDATE_RETENTION,
    ) -> None:
        self._database = database
        self.runner = runner
        self._clock = clock
        self._tick = tick
        self._purge_interval = purge_interval
        self._retention = retention
        self._update_retention = update_retention
        self._lock = asyncio.Lock()
        self._stopping = False
        self._again = False
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def scheduler(self) -> AsyncIOScheduler | None:
        return self._scheduler

    def start(self) -> None:
        """Start APScheduler on the running loop; the first tick runs at once."""
        logging.getLogger(APSCHEDULER_LOGGER).setLevel(logging.WARNING)
        logging.getLogger(f"apscheduler.executors.{EXECUTOR}").setLevel(logging.WARNING)
        scheduler = AsyncIOScheduler(
            timezone=UTC,
            logger=logging.getLogger(APSCHEDULER_LOGGER),
            executors={EXECUTOR: AsyncIOExecutor()},
            # a tick that finds another one running returns at once, so a second instance is harmless
            job_defaults={"coalesce": True, "max_instances": 2, "misfire_grace_time": None},
        )
        scheduler.add_job(
            run_due_jobs, "interval", seconds=self._tick, args=[self], id=RUN_DUE_JOB_ID, replace_existing=True,
            executor=EXECUTOR,
            next_run_time=_apscheduler_time(timedelta(0)),
        )
        scheduler.add_job(
            purge_finished, "interval", seconds=self._purge_interval, args=[self], id=PURGE_JOB_ID,
            replace_existing=True, executor=EXECUTOR,
        )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        """Let the tick at hand finish its current job, then shut APScheduler down."""
        self._stopping = True
        self.runner.stop()
        async with self._lock:
            scheduler, self._scheduler = self._scheduler, None
            if scheduler is not None and scheduler.running:
                scheduler.shutdown(wait=False)
                await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a loop callback

    async def tick(self) -> None:
        if self._lock.locked():
            self._again = True  # the interval tick and a wake-up met: the running one goes round once more
            return
        async with self._lock:
            if self._stopping:
                return
            next_due: datetime | None = None
            self._again = True
            while self._again and not self._stopping:
                self._again = False
                try:
                    report = await self.runner.run_due(budget=self._tick * TICK_BUDGET)
                    if report.total:
                        log.debug("scheduled jobs: %s", report)
                    next_due = await self.runner.next_due_at()
                except (SQLAlchemyError, OSError, StorageError) as exc:
                    log.warning("scheduled jobs could not run (%s); next tick tries again", type(exc).__name__)
                    return
        self._arm_wake(next_due)

    def _arm_wake(self, next_due: datetime | None) -> None:
        scheduler = self._scheduler
        if scheduler is None or self._stopping or next_due is None:
            return
        delay = next_due - self._clock.now()
        if delay >= timedelta(seconds=self._tick):
            return  # the interval tick comes first
        scheduler.add_job(
            run_due_jobs,
            "date",
            run_date=_apscheduler_time(max(delay, timedelta(0))),
            args=[self],
            id=WAKE_JOB_ID,
            replace_existing=True,
            executor=EXECUTOR,
        )

    async def purge(self) -> None:
        if self._stopping:
            return
        now = self._clock.now()
        cutoff = now - self._retention
        try:
            async with self._database.unit_of_work() as uow:
                messages = await OutboxRepository.of(uow).purge(finished_before=cutoff)
                jobs = await ScheduledJobsRepository(uow.session).purge(finished_before=cutoff)
                updates = await uow.updates.purge(seen_before=now - self._update_retention)
        except (SQLAlchemyError, OSError, StorageError) as exc:
            log.warning("purge of finished outbox rows failed (%s)", type(exc).__name__)
            return
        if messages or jobs or updates:
            log.info(
                "purged %d finished outbox messages, %d finished jobs and %d processed-update records",
                messages, jobs, updates,
            )


def _apscheduler_time(delay: timedelta) -> datetime:
    """A moment on APScheduler's own timeline, the system clock: `delay` from now.

    Due times come from the injected clock; only the distance to them is handed to APScheduler, so a fake
    clock in tests never asks APScheduler for a date far in its past or future.
    """
    return datetime.now(UTC) + delay
