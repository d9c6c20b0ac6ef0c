"""The SLA check as a scheduled job on the fake clock: a case nobody took is escalated to the managers when
its first-response target passes, once; again when the resolution target passes; never once resolved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from aiogram import Dispatcher
from sqlalchemy import select

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from handlers.services.job_registry import JobRegistry
from handlers.services.quality_jobs import SLA_CHECK, arm_sla_check, next_check_at, register_quality_jobs
from storage.database import Database
from storage.models.delivery import ScheduledJobRow
from tests.botclient import BotClient
from tests.casework.conftest import make_client
from tests.matching.chat import deliver
from tests.quality.conftest import CLIENT_ID, DESK_ID, MANAGER_ID, cases
from tests.staff.conftest import add_member


def test_the_check_runs_every_quarter_hour(clock: FakeClock) -> None:
    now = clock.now().replace(minute=7, second=30)
    assert next_check_at(now) == now.replace(minute=15, second=0)
    assert next_check_at(now.replace(minute=15, second=0)) == now.replace(minute=30, second=0)


async def test_missed_targets_are_escalated_once_each(
    make_user: Callable[..., BotClient], app_database: Database, clock: FakeClock, dp: Dispatcher
) -> None:
    await add_member(app_database, clock, DESK_ID, "customer_service", name="Lily")
    await add_member(app_database, clock, MANAGER_ID, "manager", name="Mr Zhou")
    await make_client(app_database, clock, CLIENT_ID, "Li Wei")
    client = make_user(user_id=CLIENT_ID)
    await client.send("/complain")
    await client.click("💴 Fees and payments")
    await client.send("I was charged twice for my membership")
    (case,) = await cases(app_database)
    assert (case.category, case.owner, case.severity) == ("fees", "customer_service", "normal")
    reference = f"#{case.id.hex[:8]}"
    zhou = make_user(user_id=MANAGER_ID)
    await deliver(app_database, zhou)

    registry = JobRegistry()
    register_quality_jobs(registry, settings=dp["settings"], i18n=dp["i18n"])
    runner = DueJobRunner(app_database, registry, clock)
    async with app_database.unit_of_work() as uow:
        await arm_sla_check(uow, clock.now())

    async def run_until(moment: timedelta) -> None:
        target = case.created_at + moment
        while clock.now() < target:
            clock.advance(timedelta(minutes=15))
            await runner.run_due()

    await run_until(timedelta(hours=23, minutes=30))
    assert await deliver(app_database, zhou) == []
    await run_until(timedelta(hours=24, minutes=15))
    (late,) = await deliver(app_database, zhou)
    assert late.text == (
        f"⏰ Case {reference} (fees and payments) missed its first-response target: nobody has taken it."
    )
    await run_until(timedelta(days=2))
    assert await deliver(app_database, zhou) == []

    lily = make_user(user_id=DESK_ID)
    await lily.send("/complaints")
    assert "⚠️" in lily.last_text()
    await lily.click(reference)
    assert "⚠️ The first-response target was missed." in lily.last_text()
    await lily.click("✋ Take it")
    await run_until(timedelta(days=5, minutes=15))
    (overdue,) = await deliver(app_database, zhou)
    assert overdue.text == f"⏰ Case {reference} (fees and payments) missed its resolution target."
    await lily.click("✅ Resolve: partly upheld")
    await run_until(timedelta(days=6))
    assert await deliver(app_database, zhou) == []
    (case,) = await cases(app_database)
    assert case.escalation_level == 2
    async with app_database.unit_of_work(read_only=True) as uow:
        pending = (
            await uow.session.scalars(
                select(ScheduledJobRow.ref_id).where(
                    ScheduledJobRow.kind == SLA_CHECK, ScheduledJobRow.state == "pending"
                )
            )
        ).all()
    assert len(pending) == 1  # the next check, armed by the last run
