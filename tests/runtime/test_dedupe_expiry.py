"""The leader's hourly purge forgets update ids older than the retention, and only those."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.scheduling.runner import DueJobRunner
from bot.scheduling.service import UPDATE_RETENTION, SchedulerService
from domain.clock import FakeClock
from handlers.services.job_registry import JobRegistry
from storage.database import Database

BOT = 4242


async def _handled(database: Database, update_id: int) -> None:
    async with database.unit_of_work() as uow:
        assert await uow.updates.record(BOT, "telegram", update_id, now=uow.context.clock.now())


async def test_the_purge_removes_records_older_than_the_retention_only(
    database: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    service = SchedulerService(database, DueJobRunner(database, JobRegistry(), clock), clock)
    await _handled(database, 1)
    clock.advance(timedelta(days=1))
    await _handled(database, 2)
    clock.advance(UPDATE_RETENTION - timedelta(days=1))  # update 1 is exactly as old as the retention

    await service.purge()
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.updates.seen(BOT, "telegram") == [1, 2]

    clock.advance(timedelta(seconds=1))
    with caplog.at_level(logging.INFO, logger="yuelao.scheduling"):
        await service.purge()

    async with database.unit_of_work() as uow:
        assert await uow.updates.seen(BOT, "telegram") == [2]
        # forgotten: were Telegram to deliver it again now (it never does after 24 hours), it would run
        assert await uow.updates.record(BOT, "telegram", 1, now=clock.now())
        assert not await uow.updates.record(BOT, "telegram", 2, now=clock.now())
    assert "1 processed-update records" in caplog.text
