"""The delivery worker against a fake Bot API over HTTP that answers 429, 500, 403, 400 and times out.

Virtual time: every request is stamped with the loop clock the limiter reads, so the limits are checked on
what "Telegram" received. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from datetime import timedelta

import pytest
from aiogram import Bot
from sqlalchemy.exc import OperationalError

from bot.delivery.limiter import ChatRateLimiter
from bot.delivery.worker import DeliveryWorker, WorkerConfig
from domain.delivery import (
    Attachment,
    ChatAddress,
    DeliveryState,
    InlineButton,
    OutboundMessage,
    RateLimits,
    RecipientUnreachable,
    limit_violations,
)
from domain.retry import RetryPolicy
from storage.database import Database
from storage.repositories.delivery import OutboxRepository, enqueue
from storage.unit_of_work import UnitOfWork
from tests.delivery.conftest import add_account, bot_for, eventually
from tests.delivery.scripted_api import Answer, ScriptedBotAPI, running_scripted_api
from tests.delivery.virtual_time import LoopClock

LIMITS = RateLimits()
POLICY = RetryPolicy(
    base_delay=timedelta(seconds=1),
    max_delay=timedelta(seconds=4),
    retry_after_jitter=timedelta(milliseconds=500),
    max_failures=3,
)
CONFIG = WorkerConfig(lease=timedelta(seconds=60), poll_interval=0.5, request_timeout=10, stop_timeout=15)


def make_worker(
    db: Database,
    bots: Mapping[str, Bot],
    clock: LoopClock,
    *,
    on_unreachable: object = None,
) -> DeliveryWorker:
    return DeliveryWorker(
        db,
        bots,
        {channel: ChatRateLimiter(LIMITS) for channel in bots},
        clock,
        policy=POLICY,
        config=CONFIG,
        on_unreachable=on_unreachable,  # type: ignore[arg-type]
        rng=random.Random(3),
    )


async def active_count(db: Database) -> int:
    async with db.unit_of_work() as uow:
        return len(await OutboxRepository.of(uow).entries(states=[DeliveryState.PENDING, DeliveryState.SENDING]))


async def deliver_everything(db: Database, worker: DeliveryWorker, *, within: float = 900) -> None:
    """Run the worker until no message is pending or being sent."""
    running = asyncio.create_task(worker.run())
    try:

        async def drained() -> bool:
            return await active_count(db) == 0

        await eventually(drained, within=within, step=1.0)
    finally:
        await worker.stop()
        await running


async def states(db: Database) -> dict[int, DeliveryState]:
    async with db.unit_of_work() as uow:
        return {entry.id: entry.state for entry in await OutboxRepository.of(uow).entries()}


async def test_every_message_is_sent_once_in_order_within_the_limits(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    accounts = {chat: await add_account(db, str(chat)) for chat in range(101, 109)}
    expected: dict[int, list[str]] = {}
    async with db.unit_of_work() as uow:
        for round_ in range(1, 6):
            for chat, account_id in accounts.items():
                body = f"{chat}-{round_}"
                await enqueue(uow, ChatAddress.telegram(chat), OutboundMessage(body), account_id=account_id)
                expected.setdefault(chat, []).append(body)
        for number in range(1, 26):
            await enqueue(uow, ChatAddress.telegram(-1001), OutboundMessage(f"group-{number}"))
            expected.setdefault(-1001, []).append(f"group-{number}")
    api.script(101, Answer.too_many_requests(3))
    api.script(102, Answer.server_error(), Answer.server_error())
    api.script(103, Answer.timeout())

    await deliver_everything(db, make_worker(db, {"telegram": bot}, loop_clock))

    for chat, bodies in expected.items():
        assert api.texts_for(chat) == bodies, f"chat {chat}"
    assert set(await states(db)) and set((await states(db)).values()) == {DeliveryState.SENT}
    assert limit_violations([(r.chat_id, r.at) for r in api.requests], LIMITS) == []
    (limited,) = [r for r in api.requests if r.answer.status == 429]
    in_flight = 0.01  # requests already on the wire when the 429 came back
    assert not [r for r in api.requests if limited.at + in_flight < r.at < limited.at + 3]  # the whole bot paused
    assert len([r for r in api.requests if r.chat_id == 102]) == 5 + 2
    assert len([r for r in api.requests if r.chat_id == 103]) == 5 + 1  # the timed-out request was not delivered


async def test_a_blocked_recipient_is_marked_unreachable_and_their_queue_cancelled(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    blocked = await add_account(db, "201")
    other = await add_account(db, "202")
    told: list[RecipientUnreachable] = []

    async def tell_counselor(uow: UnitOfWork, event: RecipientUnreachable) -> None:
        told.append(event)
        await enqueue(uow, ChatAddress.telegram(-2002), OutboundMessage("A client is unreachable"))

    async with db.unit_of_work() as uow:
        for number in range(1, 5):
            await enqueue(uow, ChatAddress.telegram(201), OutboundMessage(f"201-{number}"), account_id=blocked)
            await enqueue(uow, ChatAddress.telegram(202), OutboundMessage(f"202-{number}"), account_id=other)
    api.script(201, Answer.ok(), Answer.blocked())

    worker = make_worker(db, {"telegram": bot}, loop_clock, on_unreachable=tell_counselor)
    await deliver_everything(db, worker)

    assert api.texts_for(201) == ["201-1"]
    assert api.texts_for(202) == ["202-1", "202-2", "202-3", "202-4"]
    assert api.texts_for(-2002) == ["A client is unreachable"]
    assert [(e.account_id, e.cancelled) for e in told] == [(blocked, 2)]
    async with db.unit_of_work() as uow:
        account = await uow.accounts.require(blocked)
        (parked,) = await OutboxRepository.of(uow).failed()
        later = await enqueue(uow, ChatAddress.telegram(201), OutboundMessage("201-5"), account_id=blocked)
    assert account.unreachable and account.unreachable_since is not None
    assert parked.last_error is not None and parked.last_error.startswith("403 Forbidden: bot was blocked")
    assert (await states(db))[later or 0] is DeliveryState.CANCELLED  # nothing more is sent to them
    assert (worker.stats.unreachable, worker.stats.cancelled) == (1, 2)


async def test_refused_and_exhausted_messages_are_parked_with_their_reason(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    async with db.unit_of_work() as uow:
        for number in range(1, 4):
            await enqueue(uow, ChatAddress.telegram(301), OutboundMessage(f"301-{number}"))
            await enqueue(uow, ChatAddress.telegram(302), OutboundMessage(f"302-{number}"))
    api.script(301, Answer.ok(), Answer.bad_request())
    api.script(302, Answer.server_error(), Answer.server_error(), Answer.server_error())

    worker = make_worker(db, {"telegram": bot}, loop_clock)
    await deliver_everything(db, worker)

    assert api.texts_for(301) == ["301-1", "301-3"]  # a parked message does not block its chat
    assert api.texts_for(302) == ["302-2", "302-3"]
    assert len([r for r in api.requests if r.text == "301-2"]) == 1  # a 400 is never retried
    async with db.unit_of_work() as uow:
        parked = {entry.last_error for entry in await OutboxRepository.of(uow).failed()}
    assert parked == {
        "TelegramBadRequest: Bad Request: can't parse entities",
        "gave up after 3 failures: TelegramServerError: Internal Server Error",
    }
    assert worker.stats.parked == 2


async def test_a_rolled_back_enqueue_sends_nothing(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            await enqueue(uow, ChatAddress.telegram(5), OutboundMessage("never"))
            raise RuntimeError("the handler failed")
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(6), OutboundMessage("intro"), dedupe_key="intro:6")
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(6), OutboundMessage("intro"), dedupe_key="intro:6")
    worker = make_worker(db, {"telegram": bot}, loop_clock)
    assert await worker.run_once() == 1
    assert [(r.chat_id, r.text) for r in api.requests] == [(6, "intro")]


async def test_photos_documents_keyboards_and_the_web_channel(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    keyboard = ((InlineButton("Interested", callback_data="s:1:yes"), InlineButton("Site", url="https://example.org")),)
    async with running_scripted_api() as web_api:
        web_bot = bot_for(web_api)
        try:
            photo = OutboundMessage("<b>Mei</b>, 29", keyboard=keyboard, attachment=Attachment("photo", "AgADph"))
            invoice = OutboundMessage("Your invoice", attachment=Attachment("document", "BQADdoc"))
            async with db.unit_of_work() as uow:
                await enqueue(uow, ChatAddress.telegram(7), photo)
                await enqueue(uow, ChatAddress.telegram(7), invoice)
                await enqueue(uow, ChatAddress.web(7), OutboundMessage("Hello on the web"))
            worker = make_worker(db, {"telegram": bot, "web": web_bot}, loop_clock)
            await deliver_everything(db, worker)
        finally:
            await web_bot.session.close()
        assert [(r.method, r.text) for r in api.requests] == [
            ("sendPhoto", "<b>Mei</b>, 29"),
            ("sendDocument", "Your invoice"),
        ]
        assert [(r.method, r.chat_id, r.text) for r in web_api.requests] == [("sendMessage", 7, "Hello on the web")]
    async with db.unit_of_work() as uow:
        sent = await OutboxRepository.of(uow).entries()
    assert all(entry.sent_message_id is not None for entry in sent)


async def test_a_channel_without_a_bot_here_is_left_for_an_instance_that_has_one(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    async with db.unit_of_work() as uow:
        web_id = await enqueue(uow, ChatAddress.web(8), OutboundMessage("web only"))
        await enqueue(uow, ChatAddress.telegram(8), OutboundMessage("telegram"))
    worker = make_worker(db, {"telegram": bot}, loop_clock)
    assert await worker.run_once() == 1
    assert (await states(db))[web_id or 0] is DeliveryState.PENDING


async def test_stopping_gives_back_what_was_claimed_but_not_tried(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock
) -> None:
    async with db.unit_of_work() as uow:
        for number in range(1, 4):
            await enqueue(uow, ChatAddress.telegram(9), OutboundMessage(f"9-{number}"))
            await enqueue(uow, ChatAddress.telegram(10), OutboundMessage(f"10-{number}"))
    worker = make_worker(db, {"telegram": bot}, loop_clock)
    running = asyncio.create_task(worker.run())

    async def two_sent() -> bool:
        return len(api.delivered) >= 2

    await eventually(two_sent, within=30)
    await worker.stop()
    await running
    current = await states(db)
    assert DeliveryState.SENDING not in current.values()
    sent = [r.text for r in api.delivered]
    assert len(sent) == len(set(sent)) == list(current.values()).count(DeliveryState.SENT)

    rest = make_worker(db, {"telegram": bot}, loop_clock)
    await deliver_everything(db, rest)
    assert api.texts_for(9) == ["9-1", "9-2", "9-3"] and api.texts_for(10) == ["10-1", "10-2", "10-3"]


async def test_a_send_whose_outcome_cannot_be_written_at_first_is_written_later_and_never_sent_twice(
    db: Database, api: ScriptedBotAPI, bot: Bot, loop_clock: LoopClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refuses the "sent" of a message for longer than its lease; the worker keeps its lease and
    writes it down once the database takes it, instead of claiming and sending the message again."""
    account_id = await add_account(db, "101")
    async with db.unit_of_work() as uow:
        await enqueue(uow, ChatAddress.telegram(101), OutboundMessage("Your date is tomorrow"), account_id=account_id)
    refusals = 3  # 0.5 + 1 + 2 s of retries: longer than the 3 s lease
    mark_sent = OutboxRepository.mark_sent

    async def refusing(self: OutboxRepository, *args: object, **kwargs: object) -> bool:
        nonlocal refusals
        if refusals:
            refusals -= 1
            raise OperationalError("UPDATE", {}, Exception("server closed the connection unexpectedly"))
        return await mark_sent(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxRepository, "mark_sent", refusing)
    config = WorkerConfig(lease=timedelta(seconds=3), poll_interval=0.5, request_timeout=10, stop_timeout=15)
    worker = DeliveryWorker(db, {"telegram": bot}, {"telegram": ChatRateLimiter(LIMITS)}, loop_clock, config=config)

    await deliver_everything(db, worker)  # runs past the lease while the worker retries

    assert api.texts_for(101) == ["Your date is tomorrow"]
    assert list((await states(db)).values()) == [DeliveryState.SENT] and refusals == 0
