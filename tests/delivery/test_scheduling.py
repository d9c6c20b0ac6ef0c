"""Scheduled jobs on SQLite and PostgreSQL, driven by moving the clock and calling `run_due()`."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.delivery.service import Background, BackgroundSettings
from bot.scheduling.runner import DueJobRunner
from domain.clock import Clock
from domain.delivery import ChatAddress, OutboundMessage
from domain.retry import RetryPolicy
from domain.scheduling import JobState
from handlers.services.job_registry import JobRegistry
from storage.database import Database
from storage.repositories.delivery import (
    LeaderFence,
    OutboxRepository,
    ScheduledJobsRepository,
    cancel,
    enqueue,
    schedule,
)
from storage.unit_of_work import UnitOfWork
from tests.delivery.conftest import eventually
from tests.delivery.virtual_time import LoopClock

KIND = "date.reminder"


class Reminders:
    """A feature's job handler: enqueues a reminder for the date named by `ref_id`."""

    def __init__(self, *, fail_times: int = 0) -> None:
        self.calls: list[str] = []
        self.fail_times = fail_times

    async def __call__(self, uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        self.calls.append(ref_id)
        await enqueue(uow, ChatAddress.telegram(42), OutboundMessage(f"Reminder for date {ref_id}"))
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("the feature broke")


def runner_for(db: Database, clock: LoopClock, handler: Reminders, **options: object) -> DueJobRunner:
    registry = JobRegistry()
    registry.register(KIND, handler)
    return DueJobRunner(db, registry, clock, **options)  # type: ignore[arg-type]


async def job_state(db: Database, ref_id: str, kind: str = KIND) -> JobState | None:
    async with db.unit_of_work() as uow:
        job = await ScheduledJobsRepository(uow.session).get(kind, ref_id)
    return None if job is None else job.state


async def outbox_texts(db: Database) -> list[str]:
    async with db.unit_of_work() as uow:
        outbox = OutboxRepository.of(uow)
        entries = await outbox.entries()
        claimed = await outbox.claim(
            now=uow.context.clock.now() + timedelta(days=30),
            limit=100,
            lease=timedelta(minutes=1),
            channels=["telegram"],
            token="peek",
        )
        await outbox.release([m.id for m in claimed], "peek")
    assert len(entries) >= len(claimed)
    return [m.message.text for m in claimed]


async def test_a_job_runs_once_when_due_and_its_writes_commit_with_it(db: Database, loop_clock: LoopClock) -> None:
    handler = Reminders()
    runner = runner_for(db, loop_clock, handler)
    async with db.unit_of_work() as uow:
        await schedule(uow, KIND, "31", loop_clock.now() + timedelta(hours=2))
    assert (await runner.run_due()).total == 0
    loop_clock.advance(timedelta(hours=2))
    assert (await runner.run_due()).ran == 1
    assert (await runner.run_due()).total == 0
    assert handler.calls == ["31"]
    assert await job_state(db, "31") is JobState.DONE
    assert await outbox_texts(db) == ["Reminder for date 31"]


async def test_a_failing_handler_leaves_no_writes_and_is_retried_then_parked(
    db: Database, loop_clock: LoopClock
) -> None:
    handler = Reminders(fail_times=10)
    policy = RetryPolicy(base_delay=timedelta(seconds=30), max_failures=3, max_attempts=3)
    runner = runner_for(db, loop_clock, handler, policy=policy)
    async with db.unit_of_work() as uow:
        await schedule(uow, KIND, "7", loop_clock.now())
    assert (await runner.run_due()).retried == 1
    assert await outbox_texts(db) == []  # the handler's enqueue was rolled back with it
    assert (await runner.run_due()).total == 0  # backing off
    loop_clock.advance(timedelta(minutes=1))
    assert (await runner.run_due()).retried == 1
    loop_clock.advance(timedelta(minutes=5))
    assert (await runner.run_due()).failed == 1
    async with db.unit_of_work() as uow:
        (failed,) = await ScheduledJobsRepository(uow.session).failed()
    assert (failed.ref_id, failed.attempts) == ("7", 3)
    assert failed.last_error == "RuntimeError: the feature broke"
    assert handler.calls == ["7", "7", "7"]


async def test_scheduling_again_moves_the_job_and_cancel_stops_it(db: Database, loop_clock: LoopClock) -> None:
    handler = Reminders()
    runner = runner_for(db, loop_clock, handler)
    async with db.unit_of_work() as uow:
        await schedule(uow, KIND, "1", loop_clock.now() + timedelta(minutes=5))
        await schedule(uow, KIND, "1", loop_clock.now() + timedelta(hours=1))
        await schedule(uow, KIND, "2", loop_clock.now() + timedelta(minutes=5))
    async with db.unit_of_work() as uow:
        assert await cancel(uow, KIND, "2")
        assert not await cancel(uow, KIND, "2")
        assert not await cancel(uow, KIND, "never-scheduled")
    loop_clock.advance(timedelta(minutes=10))
    assert (await runner.run_due()).total == 0
    loop_clock.advance(timedelta(hours=1))
    assert (await runner.run_due()).ran == 1
    assert handler.calls == ["1"]
    assert await job_state(db, "2") is JobState.CANCELLED
    async with db.unit_of_work() as uow:  # a finished job can be armed again
        await schedule(uow, KIND, "1", loop_clock.now() + timedelta(minutes=1))
    assert await job_state(db, "1") is JobState.PENDING


async def test_a_rolled_back_schedule_leaves_nothing(db: Database, loop_clock: LoopClock) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            await schedule(uow, KIND, "9", loop_clock.now())
            raise RuntimeError("the update failed")
    assert await job_state(db, "9") is None


async def test_a_job_without_a_handler_is_parked_not_lost(db: Database, loop_clock: LoopClock) -> None:
    runner = runner_for(db, loop_clock, Reminders())
    async with db.unit_of_work() as uow:
        await schedule(uow, "retired.feature", "3", loop_clock.now())
    assert (await runner.run_due()).failed == 1
    assert await job_state(db, "3", kind="retired.feature") is JobState.FAILED


async def test_after_a_restart_late_jobs_run_and_far_overdue_ones_are_missed(
    db: Database, loop_clock: LoopClock, caplog: pytest.LogCaptureFixture
) -> None:
    async with db.unit_of_work() as uow:
        start = loop_clock.now()
        await schedule(uow, KIND, "late", start + timedelta(minutes=30))
        await schedule(uow, KIND, "missed", start + timedelta(minutes=10))
        await schedule(uow, KIND, "future", start + timedelta(hours=5))
    loop_clock.advance(timedelta(hours=1, minutes=15))  # the process was down meanwhile
    handler = Reminders()
    registry = JobRegistry()
    registry.register(KIND, handler)
    background = Background(db, loop_clock, BackgroundSettings(scheduler_tick=0.05), registry=registry)
    caplog.set_level(logging.INFO, logger="yuelao")
    await background.start({})
    try:
        await background.wait_until_leader()

        async def settled() -> bool:
            return JobState.PENDING not in (await job_state(db, "late"), await job_state(db, "missed"))

        await eventually(settled, within=60)
    finally:
        await background.stop()
    assert handler.calls == ["late"]
    assert await job_state(db, "missed") is JobState.MISSED
    assert await job_state(db, "future") is JobState.PENDING
    missed_lines = [r.getMessage() for r in caplog.records if "recorded as missed" in r.getMessage()]
    assert len(missed_lines) == 1 and "missed by 1h05m" in missed_lines[0]
    assert not any("late" in line or "future" in line for line in missed_lines)  # ids, never content


async def test_a_claim_without_the_leader_lock_finds_nothing(db: Database, loop_clock: LoopClock) -> None:
    if db.dialect_name != "postgresql":
        pytest.skip("the fence is PostgreSQL's advisory lock")
    async with db.unit_of_work() as uow:
        await schedule(uow, KIND, "1", loop_clock.now())
        await enqueue(uow, ChatAddress.telegram(1), OutboundMessage("hi"))
    async with db.engine.connect() as holder:
        await holder.execution_options(isolation_level="AUTOCOMMIT")
        assert await holder.scalar(text("SELECT pg_try_advisory_lock(4242)"))
        holder_pid = int(await holder.scalar(text("SELECT pg_backend_pid()")))
        async with db.unit_of_work() as uow:
            jobs = ScheduledJobsRepository(uow.session)
            assert await jobs.claim_next_due(now=loop_clock.now(), fence=LeaderFence(4242, holder_pid + 100000)) is None
            assert await jobs.claim_next_due(now=loop_clock.now(), fence=LeaderFence(4242, holder_pid)) is not None
            outbox = OutboxRepository.of(uow)
            common = {"now": loop_clock.now(), "limit": 5, "lease": timedelta(minutes=1), "channels": ["telegram"]}
            assert await outbox.claim(token="a", fence=LeaderFence(4242, holder_pid + 100000), **common) == []  # type: ignore[arg-type]
            assert len(await outbox.claim(token="b", fence=LeaderFence(4242, holder_pid), **common)) == 1  # type: ignore[arg-type]
        await holder.execute(text("SELECT pg_advisory_unlock(4242)"))
