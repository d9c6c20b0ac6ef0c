"""The digest as a scheduled job: armed at start-up for the next digest hour, run when due, and each run arms
the next day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Dispatcher
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from handlers.services.casework.jobs import FOLLOW_UP_DIGEST, next_digest_at, start_casework_jobs
from handlers.services.job_registry import JobRegistry
from storage.database import Database
from storage.models.delivery import ScheduledJobRow
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.staff.conftest import add_member


async def test_the_digest_job_runs_daily(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    settings = dp["settings"]
    anna = await add_member(app_database, clock, 700_001, "counselor", name="Anna")
    client = await make_client(app_database, clock, 9_001, "Li Wei", counselor=anna.account_id)
    first = next_digest_at(settings, clock.now())
    async with app_database.unit_of_work() as uow:
        await uow.assignments.set_follow_up(client, first.date())
    registry = JobRegistry()
    await start_casework_jobs(registry, app_database, settings=settings, clock=clock, i18n=dp["i18n"])
    runner = DueJobRunner(app_database, registry, clock)
    assert (await runner.run_due()).ran == 0

    clock.set(first + timedelta(seconds=1))
    assert (await runner.run_due()).ran == 1
    (digest,) = await deliver(app_database, make_user(user_id=700_001))
    assert digest.text.startswith("⏰ <b>Follow-ups due</b> (1)")
    async with app_database.unit_of_work(read_only=True) as uow:
        refs = (
            await uow.session.scalars(select(ScheduledJobRow.ref_id).where(ScheduledJobRow.kind == FOLLOW_UP_DIGEST))
        ).all()
    assert sorted(refs) == [first.date().isoformat(), (first.date() + timedelta(days=1)).isoformat()]
