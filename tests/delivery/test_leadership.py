"""`Background` as the app runs it: one leader runs APScheduler and the delivery worker.

On PostgreSQL two instances (two engines, two Background objects, or another process) share one database;
the leader is stopped, loses its lock connection, or is killed mid-way, and every message still goes out
exactly once. Those tests run in real time (short intervals, waits on events with timeouts).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from sqlalchemy import text

from bot.delivery.service import Background, BackgroundSettings
from bot.delivery.worker import WorkerConfig
from bot.scheduling.service import PURGE_JOB_ID, RUN_DUE_JOB_ID
from domain.clock import Clock, SystemClock
from domain.delivery import ChatAddress, DeliveryState, OutboundMessage
from storage.database import Database
from storage.keys import KeyMaterial
from storage.repositories.delivery import OutboxRepository, enqueue
from tests.delivery.conftest import bot_for, eventually
from tests.delivery.scripted_api import ScriptedBotAPI
from tests.delivery.virtual_time import LoopClock

FAST = BackgroundSettings(
    worker=WorkerConfig(lease=timedelta(seconds=3), poll_interval=0.1, request_timeout=10, stop_timeout=5),
    scheduler_tick=0.1,
    leader_retry_interval=0.1,
    leader_check_interval=0.1,
)
CHATS = range(1, 21)


async def enqueue_batch(db: Database, per_chat: int = 3) -> list[str]:
    bodies: list[str] = []
    async with db.unit_of_work() as uow:
        for round_ in range(1, per_chat + 1):
            for chat in CHATS:
                body = f"{chat}-{round_}"
                await enqueue(uow, ChatAddress.telegram(chat), OutboundMessage(body))
                bodies.append(body)
    return bodies


def assert_exactly_once_in_order(api: ScriptedBotAPI, bodies: list[str]) -> None:
    delivered = [r.text for r in api.delivered]
    assert sorted(delivered) == sorted(bodies)  # each exactly once
    for chat in CHATS:
        texts = api.texts_for(chat)
        assert texts == sorted(texts, key=lambda body: int(body.split("-")[1])), f"chat {chat} out of order"


async def all_sent(db: Database) -> bool:
    async with db.unit_of_work() as uow:
        counts = await OutboxRepository.of(uow).count_by_state()
    return set(counts) == {DeliveryState.SENT}


@pytest.fixture
async def second_db(database_url: str, key_material: KeyMaterial, loop_clock: LoopClock) -> AsyncIterator[Database]:
    """Another instance's own engine on the same database."""
    opened = await Database.open(database_url, key_material, clock=loop_clock)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def telegram_bot(api: ScriptedBotAPI) -> AsyncIterator[Bot]:
    created = bot_for(api)
    try:
        yield created
    finally:
        await created.session.close()


def needs_postgres(db: Database) -> None:
    if db.dialect_name != "postgresql":
        pytest.skip("several instances need PostgreSQL")


async def test_the_only_instance_on_sqlite_leads_at_once(
    db: Database, api: ScriptedBotAPI, telegram_bot: Bot, loop_clock: LoopClock
) -> None:
    if db.dialect_name != "sqlite":
        pytest.skip("SQLite's single process")
    background = Background(db, loop_clock, FAST)
    await background.start({"telegram": telegram_bot})
    try:
        await asyncio.wait_for(background.wait_until_leader(), 10)
        assert background.scheduler is not None and background.scheduler.scheduler is not None
        job_ids = {job.id for job in background.scheduler.scheduler.get_jobs()}
        assert {RUN_DUE_JOB_ID, PURGE_JOB_ID} <= job_ids
        bodies = await enqueue_batch(db, per_chat=1)
        background.wake()
        await eventually(lambda: all_sent(db), within=60)
    finally:
        await background.stop()
    assert not background.is_leader and background.scheduler is None
    assert_exactly_once_in_order(api, bodies)
    assert len(telegram_bot.session.middleware) == 0  # the request counter is taken off again


@pytest.mark.real_time
async def test_a_standby_takes_over_when_the_leader_stops(
    db: Database, second_db: Database, api: ScriptedBotAPI, telegram_bot: Bot, loop_clock: LoopClock
) -> None:
    needs_postgres(db)
    first, second = Background(db, loop_clock, FAST), Background(second_db, loop_clock, FAST)
    await first.start({"telegram": telegram_bot})
    await asyncio.wait_for(first.wait_until_leader(), 10)
    await second.start({"telegram": telegram_bot})
    try:
        bodies = await enqueue_batch(db)
        first.wake()
        await api.wait_delivered(15)
        assert second.terms == 0  # standing by all along
        await first.stop()
        await asyncio.wait_for(second.wait_until_leader(), 10)
        await eventually(lambda: all_sent(db), within=30)
    finally:
        await first.stop()
        await second.stop()
    assert_exactly_once_in_order(api, bodies)


@pytest.mark.real_time
async def test_instances_share_the_bots_sending_limit_and_take_it_back_when_one_stops(
    db: Database, second_db: Database, api: ScriptedBotAPI, telegram_bot: Bot, loop_clock: LoopClock
) -> None:
    needs_postgres(db)
    first, second = Background(db, loop_clock, FAST), Background(second_db, loop_clock, FAST)
    other_bot = bot_for(api)

    def paces() -> tuple[float, ...]:
        return tuple(b.limiter("telegram").limits.messages_per_second for b in (first, second))

    async def paced(expected: tuple[float, ...]) -> bool:
        return paces() == expected

    await first.start({"telegram": telegram_bot})
    await asyncio.wait_for(first.wait_until_leader(), 10)
    await second.start({"telegram": other_bot})
    try:
        await eventually(lambda: paced((15.0, 15.0)), within=10)  # the leader and the standby: 30/s in all
        await second.stop()
        await eventually(lambda: paced((30.0, 15.0)), within=10)  # alone again: the whole of it
    finally:
        await first.stop()
        await second.stop()
        await other_bot.session.close()


@pytest.mark.real_time
async def test_a_leader_that_loses_its_lock_connection_stands_down(
    db: Database, second_db: Database, api: ScriptedBotAPI, telegram_bot: Bot, loop_clock: LoopClock
) -> None:
    needs_postgres(db)
    first, second = Background(db, loop_clock, FAST), Background(second_db, loop_clock, FAST)
    await first.start({"telegram": telegram_bot})
    await asyncio.wait_for(first.wait_until_leader(), 10)
    await second.start({"telegram": telegram_bot})
    try:
        bodies = await enqueue_batch(db)
        first.wake()
        await api.wait_delivered(15)
        async with db.engine.connect() as admin:
            terminated = await admin.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'yuelao-leader-lock' AND pid IN "
                    "(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
                )
            )
        assert terminated == 1

        async def a_new_term_began() -> bool:  # usually the standby's; the old leader may win it back
            return first.terms + second.terms >= 2 and (first.is_leader or second.is_leader)

        await eventually(a_new_term_began, within=10)
        await eventually(lambda: all_sent(db), within=30)
    finally:
        await first.stop()
        await second.stop()
    assert_exactly_once_in_order(api, bodies)


@pytest.mark.real_time
async def test_a_killed_leader_process_is_replaced_and_nothing_is_lost_or_repeated(
    database_url: str, key_material: KeyMaterial, api: ScriptedBotAPI, telegram_bot: Bot
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several instances need PostgreSQL")
    clock: Clock = SystemClock()  # the other process reads the system clock: leases must agree
    db = await Database.open(database_url, key_material, clock=clock)
    standby = Background(db, clock, FAST)
    leader = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.delivery.leader_process", database_url, api.base_url,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert leader.stdout is not None
        assert (await asyncio.wait_for(leader.stdout.readline(), 30)).strip() == b"leading"
        await standby.start({"telegram": telegram_bot})
        bodies = await enqueue_batch(db)
        await api.wait_delivered(15)
        api.gate.clear()  # what the leader sends from now on waits outside "Telegram"

        async def settled() -> bool:
            async with db.unit_of_work() as uow:
                counts = await OutboxRepository.of(uow).count_by_state()
            return api.held > 0 and counts.get(DeliveryState.SENT, 0) == len(api.delivered)

        await eventually(settled, within=10)
        leader.kill()  # SIGKILL: no cleanup; its connections close, PostgreSQL releases the lock
        await leader.wait()
        api.drop_held()  # the requests it had on the wire never reached Telegram
        api.gate.set()
        await asyncio.wait_for(standby.wait_until_leader(), 10)
        await eventually(lambda: all_sent(db), within=30)  # after the dead leader's leases expire
    finally:
        if leader.returncode is None:
            leader.kill()
            await leader.wait()
        await standby.stop()
        await db.close()
    assert_exactly_once_in_order(api, bodies)
