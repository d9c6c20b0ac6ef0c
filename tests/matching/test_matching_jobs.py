"""Matching's scheduled jobs with the fake clock: demo clients answer interest like people, and the daily
offer tells clients with nothing pending about their new suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiogram import Bot, Dispatcher

from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.demo import demo_people
from handlers.services.job_registry import JobRegistry
from handlers.services.matching import jobs as matching_jobs
from handlers.services.matching.jobs import arm_daily_offer, next_offer_at, register_matching_jobs
from handlers.services.matching.matchmaker import DAILY_OFFER
from handlers.services.settings import Settings
from storage.database import Database
from storage.demo_pool import seed_demo
from storage.repositories.delivery import ScheduledJobsRepository
from tests.botclient import ErrorLogCapture, RecordingSession
from tests.journey_walk import paced, register
from tests.matching.chat import account_of, deliver, outbox_for


def runner_for(dp: Dispatcher, settings: Settings, database: Database, clock: FakeClock) -> DueJobRunner:
    registry = JobRegistry()
    register_matching_jobs(registry, pool=dp["match_pool"], settings=settings, i18n=dp["i18n"])
    return DueJobRunner(database, registry, clock)


async def test_a_demo_client_answers_interest_and_shares_contact(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    settings: Settings,
    clock: FakeClock,
) -> None:
    async with app_database.unit_of_work() as uow:
        await seed_demo(uow, demo_people(40, today=clock.now().date()), clock.now())
    li = paced(dp, bot, session, error_log, user_id=6_001)
    await register(li, "en")

    await li.send("/matches")
    assert "🧪 <i>Demo profile: a made-up person for trying the service.</i>" in li.last_text()
    await li.click("💚 Interested")
    runner = runner_for(dp, dp["settings"], app_database, clock)
    assert (await runner.run_due()).ran == 0  # the demo client takes a moment, like a person
    assert await deliver(app_database, li) == []

    clock.advance(timedelta(seconds=settings.demo_answer_seconds + 1))
    assert (await runner.run_due()).ran == 1
    (introduction,) = await deliver(app_database, li)
    assert introduction.text.startswith("🎉 <b>It's a match!</b>")
    await li.click("🤝 Share my contact")
    contact = li.last_text()
    assert "agreed to share contacts" in contact
    assert "uses the agency's web chat: your counselor will pass your messages on." in contact
    assert li.last_buttons() == ["🙋 Ask a counselor to connect us", "📅 Propose a date"]
    li_id = await account_of(app_database, li)
    async with app_database.unit_of_work(read_only=True) as uow:
        (made,) = await uow.introductions.list_for(li_id)
        assert made.state == "connected"

    # A demo client is nobody a counselor could connect: said so, and no counselor is bothered.
    await li.click("🙋 Ask a counselor to connect us")
    assert li.last_text().endswith(
        "is a demo profile, so there is nobody to put you in touch with. With a real client, a counselor would "
        "write to you here."
    )
    assert li.last_buttons() == []
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.for_client(li_id) == []


async def test_the_daily_offer_tells_clients_with_nothing_pending_once_a_day(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    settings: Settings,
    clock: FakeClock,
) -> None:
    async with app_database.unit_of_work() as uow:
        await seed_demo(uow, demo_people(40, today=clock.now().date()), clock.now())
    li = paced(dp, bot, session, error_log, user_id=6_002)
    wang = paced(dp, bot, session, error_log, user_id=6_003, language_code="zh")
    await register(li, "en")
    await register(wang, "zh")
    await li.send("/matches")  # Li already has today's list waiting: not offered again

    await arm_daily_offer(app_database, settings, clock)
    due = next_offer_at(settings, clock.now())
    assert due.hour == settings.daily_suggestions_hour
    runner = runner_for(dp, settings, app_database, clock)
    clock.advance(due - clock.now())
    assert (await runner.run_due()).ran == 1

    (offer,) = await deliver(app_database, wang)
    assert offer.text == "☀️ 早上好！今天为您准备了3位新的推荐对象。"
    assert await outbox_for(app_database, li) == []
    await wang.click("💘 查看我的推荐")
    assert wang.last_buttons() == ["💚 感兴趣", "跳过", "⚠️ 举报"]

    # The next day's offer is armed; running again today changes nothing.
    async with app_database.unit_of_work(read_only=True) as uow:
        next_day = (due + timedelta(days=1)).date().isoformat()
        tomorrow = await ScheduledJobsRepository(uow.session).get(DAILY_OFFER, next_day)
    assert tomorrow is not None and tomorrow.due_at == due + timedelta(days=1)
    assert (await runner.run_due()).ran == 0


async def test_the_daily_offer_continues_in_batches_until_everyone_is_told(
    dp: Dispatcher,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
    app_database: Database,
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matching_jobs, "DAILY_BATCH", 1)
    async with app_database.unit_of_work() as uow:
        await seed_demo(uow, demo_people(40, today=clock.now().date()), clock.now())
    clients = [paced(dp, bot, session, error_log, user_id=6_100 + n) for n in range(3)]
    for client in clients:
        await register(client, "en")

    await arm_daily_offer(app_database, settings, clock)
    runner = runner_for(dp, settings, app_database, clock)
    clock.advance(next_offer_at(settings, clock.now()) - clock.now())
    ran = 0
    while (report := await runner.run_due()).ran:  # one client a run, each run scheduling the rest
        ran += report.ran
    assert ran == 4  # three batches of one, and a last one that finds nobody left
    for client in clients:
        (offer,) = await deliver(app_database, client)
        assert offer.text.startswith("☀️ Good morning! I have 3 new suggestions for you today.")
