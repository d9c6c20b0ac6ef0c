"""Replies after commit that the Bot API does not take (5xx, timeout, 429): the reply stays in the outbox and the
delivery worker sends it later, exactly once and in order; replies keep within the bot's limits.

The real Dispatcher (bot.app.create_dispatcher) on virtual time, a recording Bot API that fails on request;
SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Message
from sqlalchemy.exc import OperationalError

from bot import replies
from bot.app import create_dispatcher
from bot.delivery.limiter import ChatRateLimiter, is_counted
from bot.delivery.worker import DeliveryWorker, WorkerConfig
from domain.delivery import DeliveryState, RateLimits, limit_violations
from domain.retry import RetryPolicy
from handlers.services.settings import Settings
from storage.database import Database
from storage.repositories.delivery import OutboxEntry, OutboxRepository
from tests.botclient import BotClient, RecordingSession, make_bot
from tests.delivery.conftest import eventually
from tests.delivery.virtual_time import LoopClock

LIMITS = RateLimits()
POLICY = RetryPolicy(
    base_delay=timedelta(seconds=1),
    max_delay=timedelta(seconds=4),
    retry_after_jitter=timedelta(milliseconds=500),
    max_failures=3,
)
CONFIG = WorkerConfig(lease=timedelta(seconds=60), poll_interval=0.5, request_timeout=10, stop_timeout=15)
Failure = Callable[[TelegramMethod[Any]], Exception]


def server_error(method: TelegramMethod[Any]) -> Exception:
    return TelegramServerError(method=method, message="Internal Server Error")


def timed_out(method: TelegramMethod[Any]) -> Exception:
    return TelegramNetworkError(method=method, message="Request timeout error")


def flood_limited(method: TelegramMethod[Any]) -> Exception:
    return TelegramRetryAfter(method=method, message="Too Many Requests: retry after 7", retry_after=7)


class FlakySession(RecordingSession):
    """The recording Bot API, failing the next sends on request; remembers when each counted call arrived."""

    def __init__(self, clock: LoopClock) -> None:
        super().__init__(clock)
        self.failures: deque[Failure] = deque()
        self.arrivals: list[tuple[int, float]] = []  # (chat, loop time) of counted calls that got through
        self.timeline: list[tuple[float, int, str]] = []  # (loop time, chat, text) of the messages that got through

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if isinstance(method, SendMessage) and self.failures:
            raise self.failures.popleft()(method)
        result = await super().make_request(bot, method, timeout)
        chat_id = getattr(method, "chat_id", None)
        if is_counted(method) and isinstance(chat_id, int):
            self.arrivals.append((chat_id, asyncio.get_running_loop().time()))
        if isinstance(method, SendMessage) and isinstance(chat_id, int):
            self.timeline.append((asyncio.get_running_loop().time(), chat_id, method.text))
        return result


class Rig:
    def __init__(self, db: Database, clock: LoopClock, tmp_path: Path) -> None:
        settings = Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[])
        self.dp: Dispatcher = create_dispatcher(settings, database=db, clock=clock)
        self.session = FlakySession(clock)
        self.bot = make_bot(self.session)
        self.limiter = ChatRateLimiter(LIMITS)
        replies.configure(self.bot, limiter=self.limiter, policy=POLICY)
        self.worker = DeliveryWorker(
            db, {"telegram": self.bot}, {"telegram": self.limiter}, clock, policy=POLICY, config=CONFIG
        )
        self.db = db

        async def numbered(message: Message) -> None:
            await message.answer(f"reply {message.text}")
            await message.answer(f"and more {message.text}")

        self.dp.message.register(numbered, Command("n"))

    def user(self, user_id: int = 777_000_111) -> BotClient:
        return BotClient(self.dp, self.bot, self.session, user_id=user_id)

    def texts(self, chat_id: int) -> list[str]:
        return [c.text for c in self.session.requests if isinstance(c, SendMessage) and c.chat_id == chat_id]

    async def rows(self) -> list[OutboxEntry]:
        async with self.db.unit_of_work(read_only=True) as uow:
            return await OutboxRepository.of(uow).entries()


@pytest.fixture
async def rig(db: Database, loop_clock: LoopClock, tmp_path: Path) -> AsyncIterator[Rig]:
    made = Rig(db, loop_clock, tmp_path)
    yield made
    await made.bot.session.close()


@pytest.mark.parametrize("failure", [server_error, timed_out, flood_limited])
async def test_a_reply_the_api_refused_after_commit_arrives_later_through_the_outbox_once(
    rig: Rig, failure: Failure
) -> None:
    user = rig.user()
    rig.session.failures.append(failure)

    await user.send("/n 1")

    assert rig.texts(user.chat.id) == []  # the first reply failed; the second must not overtake it
    rows = await rig.rows()
    assert [r.state for r in rows] == [DeliveryState.PENDING, DeliveryState.PENDING]
    assert rows[0].attempts == 1 and rows[0].last_error
    assert rows[1].attempts == 0  # given back untried

    if failure is flood_limited:  # retry_after is honoured: nothing before 7 s
        await asyncio.sleep(6)
        assert await rig.worker.run_once() == 0
        await asyncio.sleep(2.5)
    else:
        await asyncio.sleep(5)
    assert await rig.worker.run_once() == 2

    assert rig.texts(user.chat.id) == ["reply /n 1", "and more /n 1"]
    assert [r.state for r in await rig.rows()] == [DeliveryState.SENT, DeliveryState.SENT]
    await asyncio.sleep(600)
    assert await rig.worker.run_once() == 0
    assert rig.texts(user.chat.id) == ["reply /n 1", "and more /n 1"]  # exactly once


async def test_a_reply_refused_with_403_is_recorded_as_unreachable_and_never_sent(rig: Rig) -> None:
    user = rig.user()
    rig.session.failures.append(
        lambda method: TelegramForbiddenError(method=method, message="Forbidden: bot was blocked by the user")
    )

    await user.send("/n 1")

    rows = await rig.rows()
    assert [r.state for r in rows] == [DeliveryState.FAILED, DeliveryState.CANCELLED]  # as the worker records it
    await asyncio.sleep(600)
    assert await rig.worker.run_once() == 0
    assert rig.texts(user.chat.id) == []


async def test_a_later_update_does_not_overtake_a_reply_left_to_the_worker(rig: Rig) -> None:
    user = rig.user()
    rig.session.failures.append(server_error)
    await user.send("/n 1")

    await user.send("/n 2")  # the chat has a reply waiting: these go to the worker too, after it

    assert rig.texts(user.chat.id) == []
    await asyncio.sleep(5)
    await rig.worker.run_once()
    assert rig.texts(user.chat.id) == ["reply /n 1", "and more /n 1", "reply /n 2", "and more /n 2"]
    await user.send("/n 3")  # nothing waiting any more: sent right after the commit again
    assert rig.texts(user.chat.id)[-2:] == ["reply /n 3", "and more /n 3"]
    await replies.flush_sent(rig.bot)
    assert [r.state for r in await rig.rows()] == [DeliveryState.SENT] * 4  # /n 3's rows are gone once sent


async def test_consecutive_updates_of_a_person_are_answered_in_order(rig: Rig) -> None:
    user = rig.user()
    for n in range(1, 4):
        await user.send(f"/n {n}")
    assert rig.texts(user.chat.id) == [text for n in range(1, 4) for text in (f"reply /n {n}", f"and more /n {n}")]
    # A sent reply's row goes with the next update's transaction, or with one of its own once FORGET_AFTER
    # passed without an update (here: while the second reply waits for the chat's 1/s).
    await asyncio.sleep(replies.FORGET_AFTER * 2)  # the test's loop runs on virtual time
    assert await rig.rows() == []


async def test_replies_of_many_people_at_once_keep_within_the_limits(rig: Rig) -> None:
    people = [rig.user(user_id=900_000 + n) for n in range(45)]
    loop = asyncio.get_running_loop()
    started = loop.time()

    await asyncio.gather(*(person.send("/n x") for person in people))

    assert len(rig.session.arrivals) == 90
    assert limit_violations(rig.session.arrivals, LIMITS) == []
    assert loop.time() - started >= 2.0  # 90 sends at under 30/s
    for person in people:
        assert rig.texts(person.chat.id) == ["reply /n x", "and more /n x"]


async def test_a_sent_reply_whose_row_outlives_its_lease_is_not_sent_again_while_its_process_lives(
    rig: Rig, loop_clock: LoopClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses to delete the rows of two replies already sent, for longer than their lease; the
    leader's worker runs all along. The process renews the rows' leases, so the worker never takes them."""
    user = rig.user()
    refusals = 3
    forget = OutboxRepository.forget_sent_replies

    async def refusing(self: OutboxRepository, message_ids: Any, token: str) -> int:
        nonlocal refusals
        if refusals:
            refusals -= 1
            raise OperationalError("DELETE", {}, Exception("database is locked"))
        return await forget(self, message_ids, token)

    monkeypatch.setattr(OutboxRepository, "forget_sent_replies", refusing)
    stop = asyncio.Event()
    lease = timedelta(seconds=10)
    replies.configure(rig.bot, limiter=rig.limiter, policy=POLICY, lease=lease)
    keeping = asyncio.create_task(replies.keep_leases(rig.bot, rig.db, loop_clock, stop))
    delivering = asyncio.create_task(rig.worker.run())
    try:
        await user.send("/n 1")
        assert [r.state for r in await rig.rows()] == [DeliveryState.SENDING] * 2

        await asyncio.sleep(lease.total_seconds() * 3)  # three deletions refused, 5 s apart; leases renewed

        assert rig.texts(user.chat.id) == ["reply /n 1", "and more /n 1"]  # once, not again by the worker
        assert await rig.rows() == []  # the fourth try deleted them
    finally:
        stop.set()
        await keeping
        await rig.worker.stop()
        await delivering


async def test_a_reply_queued_behind_another_instances_reply_is_sent_by_its_own_instance_right_after_that_one(
    rig: Rig, loop_clock: LoopClock, tmp_path: Path
) -> None:
    """One person's two updates reach two instances (a proxy's round robin): the second instance's replies
    wait for the first instance's last reply (held by the chat's 1/s), then go out from the second instance
    itself, in order, without the worker."""
    other = Rig(rig.db, loop_clock, tmp_path / "other")
    try:
        first, second = rig.user(), other.user()
        answering = asyncio.create_task(first.send("/n 1"))

        async def first_reply_sent() -> bool:  # the second one waits for the chat's turn
            return bool(rig.session.timeline)

        await eventually(first_reply_sent, within=5, step=0.01)
        started = asyncio.get_running_loop().time()

        await second.send("/n 2")
        await answering

        timeline = sorted(rig.session.timeline + other.session.timeline)
        assert [text for _at, _chat, text in timeline] == ["reply /n 1", "and more /n 1", "reply /n 2", "and more /n 2"]
        assert asyncio.get_running_loop().time() - started < 3  # not the worker's next look: there is none
        await replies.flush_sent(rig.bot)
        await replies.flush_sent(other.bot)
        assert await rig.rows() == []  # every reply sent right after its commit, none by a worker
    finally:
        await other.bot.session.close()
