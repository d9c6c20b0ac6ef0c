"""Runs the scheduled jobs that are due by the injected clock; each job in its own unit of work.

The database is the source of truth: `run_due()` claims the earliest due pending row (on PostgreSQL with
`FOR UPDATE SKIP LOCKED`, while holding the leader's lock), runs the handler registered for its kind in a
savepoint and marks the row `done` in the same transaction, so a job's writes (e.g. an enqueued reminder)
happen exactly once. A crash before the commit leaves the row pending, and it runs again.

A first attempt found more than `grace` after its due time (the process was down) is recorded as `missed`
with a log line instead of running late. A failing handler is retried with backoff, then `failed`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.clock import Clock
from domain.retry import RetryPolicy, safe_reason
from domain.scheduling import DEFAULT_GRACE, DueAction, JobState, due_action
from handlers.services.job_registry import JobRegistry
from storage.database import Database
from storage.repositories.delivery import LeaderFence, ScheduledJobsRepository

log = logging.getLogger("yuelao.scheduling")

DEFAULT_JOB_RETRY = RetryPolicy(
    base_delay=timedelta(seconds=30), max_delay=timedelta(minutes=30), max_failures=5, max_attempts=5
)


# Told of each job finished: its outcome and how long after its due time it ran (bot/observability/metrics.py).
JobObserver = Callable[[str, timedelta], None]


class JobOutcome(StrEnum):
    RAN = "ran"
    MISSED = "missed"
    RETRIED = "retried"
    FAILED = "failed"


@dataclass
class RunReport:
    ran: int = 0
    missed: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.ran + self.missed + self.retried + self.failed

    def add(self, outcome: JobOutcome) -> None:
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


class DueJobRunner:
    def __init__(
        self,
        database: Database,
        registry: JobRegistry,
        clock: Clock,
        *,
        grace: timedelta = DEFAULT_GRACE,
        policy: RetryPolicy = DEFAULT_JOB_RETRY,
        fence: LeaderFence | None = None,
        rng: random.Random | None = None,
        observer: JobObserver | None = None,
    ) -> None:
        self._database = database
        self._observer = observer
        self._registry = registry
        self._clock = clock
        self._grace = grace
        self._policy = policy
        self._fence = fence
        self._rng = rng or random.Random()  # jitter, not secrets
        self._stopping = False

    def stop(self) -> None:
        """Finish the job at hand, then run no more."""
        self._stopping = True

    async def run_due(self, *, max_jobs: int | None = None, budget: float | None = None) -> RunReport:
        """Run the jobs due by the clock, earliest first; `budget`: stop starting new ones after this many
        seconds (the rest run at the next call)."""
        report = RunReport()
        loop = asyncio.get_running_loop()
        deadline = None if budget is None else loop.time() + budget
        while not self._stopping:
            if max_jobs is not None and report.total >= max_jobs:
                break
            if deadline is not None and loop.time() >= deadline:
                break
            finished = await self._run_next()
            if finished is None:
                break
            outcome, late = finished
            report.add(outcome)
            if self._observer is not None:
                self._observer(outcome.value, late)
        return report

    async def next_due_at(self) -> datetime | None:
        async with self._database.unit_of_work(read_only=True) as uow:
            return await ScheduledJobsRepository(uow.session).next_due_at()

    async def _run_next(self) -> tuple[JobOutcome, timedelta] | None:
        now = self._clock.now()
        async with self._database.unit_of_work() as uow:
            jobs = ScheduledJobsRepository(uow.session)
            job = await jobs.claim_next_due(now=now, fence=self._fence)
            if job is None:
                return None
            late = now - job.due_at
            if due_action(job.due_at, now, self._grace, first_attempt=job.attempts == 0) is DueAction.MISS:
                await jobs.finish(job.id, JobState.MISSED, now=now, reason=f"missed by {_duration(late)}")
                log.warning("scheduled job %s (%s) missed by %s, more than the grace period; recorded as missed",
                            job.id, job.kind, _duration(late))
                return JobOutcome.MISSED, late
            handler = self._registry.get(job.kind)
            if handler is None:
                await jobs.finish(job.id, JobState.FAILED, now=now, reason="no handler is registered for this kind")
                log.error("scheduled job %s (%s): no handler is registered for its kind", job.id, job.kind)
                return JobOutcome.FAILED, late
            try:
                async with uow.session.begin_nested():
                    await handler(uow, job.ref_id, self._clock)
            except Exception as error:  # the job's row records the failure; the handler's writes are undone
                reason = safe_reason(f"{type(error).__name__}: {error}")
                attempts = job.attempts + 1
                if attempts >= self._policy.max_failures:
                    await jobs.finish(job.id, JobState.FAILED, now=now, reason=reason)
                    log.error("scheduled job %s (%s) failed %d times; parked as failed: %s",
                              job.id, job.kind, attempts, type(error).__name__)
                    return JobOutcome.FAILED, late
                retry_at = now + self._policy.backoff(attempts, self._rng)
                await jobs.retry_later(job.id, retry_at=retry_at, reason=reason, now=now)
                log.warning("scheduled job %s (%s) failed (%s); retry at %s",
                            job.id, job.kind, type(error).__name__, retry_at.isoformat())
                return JobOutcome.RETRIED, late
            await jobs.finish(job.id, JobState.DONE, now=now)
            if late > timedelta(seconds=1):
                log.info("scheduled job %s (%s) ran %s late", job.id, job.kind, _duration(late))
            return JobOutcome.RAN, late


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{seconds:02d}s"
