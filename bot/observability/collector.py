"""What the bot's state looks like at scrape time: outbox depth and oldest age, scheduler lag, leader, database
pool, draining. `refresh()` reads it (two cheap aggregate queries in one read-only unit of work), then
prometheus-client calls `collect()` (synchronous) for the same scrape."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool

from bot.health import LeaderSource
from bot.observability.drain import Drain
from domain.clock import Clock
from domain.delivery import ACTIVE_STATES
from domain.scheduling import JobState
from storage.database import Database
from storage.errors import StorageError
from storage.models.delivery import OutboxMessageRow, ScheduledJobRow

log = logging.getLogger("yuelao.metrics")


@dataclass
class StateSnapshot:
    database_up: bool = False
    outbox_depth: dict[str, int] = field(default_factory=dict)  # active state -> rows
    outbox_oldest_age: float = 0.0  # seconds since the oldest active row was written
    jobs_overdue: int = 0
    scheduler_lag: float = 0.0  # seconds the most overdue pending job has waited


class StateCollector(Collector):
    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        background: LeaderSource | None = None,
        drain: Drain | None = None,
        timeout: float = 2.0,
    ) -> None:
        self._database = database
        self._clock = clock
        self._background = background
        self._drain = drain
        self._timeout = timeout
        self.snapshot = StateSnapshot()

    async def refresh(self) -> StateSnapshot:
        try:
            async with asyncio.timeout(self._timeout):
                self.snapshot = await self._read()
        except (SQLAlchemyError, OSError, StorageError, TimeoutError) as exc:
            log.warning("metrics: could not read the outbox and jobs (%s)", type(exc).__name__)
            self.snapshot = StateSnapshot(database_up=False)
        return self.snapshot

    async def _read(self) -> StateSnapshot:
        now = self._clock.now()
        async with self._database.unit_of_work(read_only=True) as uow:
            outbox = (
                await uow.session.execute(
                    select(OutboxMessageRow.state, func.count(), func.min(OutboxMessageRow.created_at))
                    .where(OutboxMessageRow.state.in_([state.value for state in ACTIVE_STATES]))
                    .group_by(OutboxMessageRow.state)
                )
            ).all()
            jobs = (
                await uow.session.execute(
                    select(func.count(), func.min(ScheduledJobRow.next_attempt_at)).where(
                        ScheduledJobRow.state == JobState.PENDING.value, ScheduledJobRow.next_attempt_at <= now
                    )
                )
            ).one()
        depth = {state.value: 0 for state in ACTIVE_STATES}
        oldest: datetime | None = None
        for state, count, created in outbox:
            depth[str(state)] = int(count)
            if created is not None and (oldest is None or created < oldest):
                oldest = created
        overdue, earliest = jobs
        return StateSnapshot(
            database_up=True,
            outbox_depth=depth,
            outbox_oldest_age=_seconds_since(oldest, now),
            jobs_overdue=int(overdue or 0),
            scheduler_lag=_seconds_since(earliest, now),
        )

    def collect(self) -> Iterator[Metric]:
        snapshot = self.snapshot
        yield _gauge("yuelao_database_up", "Whether the last scrape could read the database", snapshot.database_up)
        depth = GaugeMetricFamily("yuelao_outbox_depth", "Outbox messages not finished, by state", labels=["state"])
        for state, count in sorted(snapshot.outbox_depth.items()):
            depth.add_metric([state], count)
        yield depth
        yield _gauge(
            "yuelao_outbox_oldest_age_seconds", "Age of the oldest outbox message not finished (0: none)",
            snapshot.outbox_oldest_age,
        )
        yield _gauge(
            "yuelao_scheduled_jobs_overdue", "Pending scheduled jobs past their due time", snapshot.jobs_overdue
        )
        yield _gauge(
            "yuelao_scheduler_lag_seconds", "How long the most overdue pending scheduled job has waited (0: none)",
            snapshot.scheduler_lag,
        )
        if self._background is not None:
            yield _gauge("yuelao_leader", "Whether this instance runs the scheduler and the outbox worker",
                         self._background.is_leader)
        if self._drain is not None:
            yield _gauge("yuelao_draining", "Whether this instance is draining (stopping)", self._drain.draining)
        pool = self._database.engine.pool
        if isinstance(pool, QueuePool):
            yield _gauge("yuelao_db_pool_size", "Connections the pool keeps", pool.size())
            yield _gauge("yuelao_db_pool_checked_out", "Pool connections in use", pool.checkedout())
            yield _gauge("yuelao_db_pool_overflow", "Connections opened beyond the pool size (negative: room left)",
                         pool.overflow())


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return 0.0 if moment is None else max((now - moment).total_seconds(), 0.0)
