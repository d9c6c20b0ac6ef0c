"""/metrics on the admin port: updates, Bot API calls, deliveries, scheduled jobs and the state read at scrape
time (outbox, scheduler lag, leader, pool), each on the process's own registry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.admin_server import create_admin_app
from bot.api_session import TelegramSession
from bot.app import create_dispatcher
from bot.delivery.limiter import outbox_request
from bot.health import HealthChecks
from bot.observability.collector import StateCollector
from bot.observability.metrics import BotMetrics
from bot.scheduling.runner import DueJobRunner
from domain.clock import FakeClock
from domain.delivery import ChatAddress, OutboundMessage
from domain.identity import Channel
from handlers.services.job_registry import JobRegistry
from handlers.services.settings import Settings
from storage.database import Database
from storage.repositories.delivery import enqueue, schedule
from storage.unit_of_work import UnitOfWork
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.fake_bot_api import running_fake_bot_api
from tests.operations.scrape import admin_client, sample, scrape

TOKEN = "123456:" + "M" * 35


@dataclass
class Leading:
    is_leader: bool = True


async def test_updates_are_counted_by_type_and_outcome_and_timed(
    settings: Settings,
    app_database: Database,
    clock: FakeClock,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
) -> None:
    metrics = BotMetrics()
    dp = create_dispatcher(settings, database=app_database, clock=clock, metrics=metrics)
    person = BotClient(dp, bot, session, log_capture=error_log)
    checks = HealthChecks(app_database, background=Leading())
    async with admin_client(create_admin_app(checks, metrics)) as admin:
        before = await scrape(admin)
        assert sample(before, "yuelao_updates_total", type="message", outcome="handled") is None

        await person.send("/start")
        await person.send("/help")
        welcome = person.texts()[0]
        after = await scrape(admin)

    assert "Welcome" in welcome  # the person was answered as usual
    assert sample(after, "yuelao_updates_total", type="message", outcome="handled") == 2
    assert sample(after, "yuelao_update_duration_seconds_count", type="message") == 2
    assert sample(after, "yuelao_update_duration_seconds_bucket", type="message", le="+Inf") == 2


async def test_each_process_registry_counts_only_its_own_updates(
    settings: Settings,
    app_database: Database,
    clock: FakeClock,
    bot: Bot,
    session: RecordingSession,
    error_log: ErrorLogCapture,
) -> None:
    first, second = BotMetrics(process=False), BotMetrics(process=False)
    dp = create_dispatcher(settings, database=app_database, clock=clock, metrics=first)
    await BotClient(dp, bot, session, log_capture=error_log).send("/start")
    assert sample(first.exposition().decode(), "yuelao_updates_total", type="message", outcome="handled") == 1
    assert sample(second.exposition().decode(), "yuelao_updates_total", type="message", outcome="handled") is None


@pytest.fixture
async def blocking_bot_api() -> AsyncIterator[str]:
    """A Bot API double: sendMessage to chat 403 is refused (the person blocked the bot), the rest succeed."""

    async def handle(request: web.Request) -> web.Response:
        params = await request.post()
        if request.match_info["method"] == "sendMessage" and params.get("chat_id") == "403":
            return web.json_response(
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        return web.json_response(
            {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}, "text": "x"}}
        )

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_bot_api_calls_are_counted_by_method_and_result_and_failed_deliveries_by_code(
    blocking_bot_api: str,
) -> None:
    metrics = BotMetrics(process=False)
    session = TelegramSession(api=TelegramAPIServer.from_base(blocking_bot_api), observer=metrics)
    bot = Bot(TOKEN, session=session)
    try:
        await bot.send_message(1, "a reply in a handler")
        marker = outbox_request.set(True)  # what the outbox worker and the replies after commit do
        try:
            await bot.send_message(2, "from the outbox")
            with pytest.raises(TelegramForbiddenError):
                await bot.send_message(403, "to someone who blocked the bot")
        finally:
            outbox_request.reset(marker)
    finally:
        await bot.session.close()

    exposition = metrics.exposition().decode()
    assert sample(exposition, "yuelao_bot_api_calls_total", method="sendMessage", result="ok") == 2
    assert sample(exposition, "yuelao_bot_api_calls_total", method="sendMessage", result="403") == 1
    assert sample(exposition, "yuelao_bot_api_call_duration_seconds_count", method="sendMessage") == 3
    assert sample(exposition, "yuelao_delivery_errors_total", code="403") == 1
    assert "403" not in [line for line in exposition.splitlines() if "chat" in line]  # never a chat id


async def test_polling_calls_reach_the_metrics_through_the_real_session(tmp_path: Path) -> None:
    """getMe, setMyCommands and getUpdates of a polling bot are counted (the session the runner builds)."""
    from bot.runner import telegram_bot

    metrics = BotMetrics(process=False)
    async with running_fake_bot_api() as api:
        settings = Settings(_env_file=None, data_dir=tmp_path, bot_token=TOKEN, telegram_api_base=api.base_url)
        bot = telegram_bot(settings, metrics)
        try:
            await bot.me()
        finally:
            await bot.session.close()
    assert sample(metrics.exposition().decode(), "yuelao_bot_api_calls_total", method="getMe", result="ok") == 1


async def _nothing(uow: UnitOfWork, ref_id: str, clock: Any) -> None:
    return None


async def test_scrape_reads_outbox_depth_and_age_scheduler_lag_leader_and_pool(
    database: Database, clock: FakeClock
) -> None:
    metrics = BotMetrics(process=False)
    state = StateCollector(database, clock, background=Leading())
    metrics.registry.register(state)
    async with database.unit_of_work() as uow:
        await enqueue(uow, ChatAddress(Channel.TELEGRAM, 4242), OutboundMessage(text="Hello there"))
        await schedule(uow, "test.tick", "one", clock.now() + timedelta(seconds=10))
    clock.advance(timedelta(seconds=90))

    async with admin_client(create_admin_app(HealthChecks(database), metrics, state)) as admin:
        exposition = await scrape(admin)

    assert sample(exposition, "yuelao_database_up") == 1
    assert sample(exposition, "yuelao_outbox_depth", state="pending") == 1
    assert sample(exposition, "yuelao_outbox_depth", state="sending") == 0
    assert sample(exposition, "yuelao_outbox_oldest_age_seconds") == pytest.approx(90, abs=1)
    assert sample(exposition, "yuelao_scheduled_jobs_overdue") == 1
    assert sample(exposition, "yuelao_scheduler_lag_seconds") == pytest.approx(80, abs=1)
    assert sample(exposition, "yuelao_leader") == 1
    assert sample(exposition, "yuelao_db_pool_size") is not None
    assert "Hello there" not in exposition

    # The job runs (the scheduler reports it); the lag is gone and the job is counted as ran, 80 s late.
    registry = JobRegistry()
    registry.register("test.tick", _nothing)
    runner = DueJobRunner(database, registry, clock, observer=metrics.job_finished)
    await runner.run_due()
    async with admin_client(create_admin_app(HealthChecks(database), metrics, state)) as admin:
        exposition = await scrape(admin)
    assert sample(exposition, "yuelao_scheduler_lag_seconds") == 0
    assert sample(exposition, "yuelao_scheduled_jobs_total", outcome="ran") == 1
    assert sample(exposition, "yuelao_scheduled_job_delay_seconds_bucket", le="60.0") == 0
    assert sample(exposition, "yuelao_scheduled_job_delay_seconds_bucket", le="300.0") == 1


async def test_a_scrape_with_the_database_gone_says_so(database: Database, clock: FakeClock) -> None:
    from storage.engine import create_engine

    gone = Database(create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"), database.context)
    metrics = BotMetrics(process=False)
    state = StateCollector(gone, clock, timeout=5)
    metrics.registry.register(state)
    try:
        await state.refresh()
    finally:
        await gone.close()
    exposition = metrics.exposition().decode()
    assert sample(exposition, "yuelao_database_up") == 0
    assert sample(exposition, "yuelao_outbox_oldest_age_seconds") == 0

