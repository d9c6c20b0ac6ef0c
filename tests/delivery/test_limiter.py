"""The rate limiter on virtual time: every acquisition is timestamped with the loop clock aiolimiter reads."""

from __future__ import annotations

import asyncio
import itertools

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendChatAction, SendMessage

from bot.delivery.limiter import ChatRateLimiter, RequestCounter, is_counted
from domain.delivery import RateLimits, limit_violations

LIMITS = RateLimits()


async def _acquire_all(limiter: ChatRateLimiter, chats: list[int]) -> list[tuple[int, float]]:
    loop = asyncio.get_running_loop()
    stamps: list[tuple[int, float]] = []

    async def one_chat(chat: int, count: int) -> None:
        for _ in range(count):
            await limiter.acquire(chat)
            stamps.append((chat, loop.time()))

    counts: dict[int, int] = {}
    for chat in chats:
        counts[chat] = counts.get(chat, 0) + 1
    await asyncio.gather(*(one_chat(chat, count) for chat, count in counts.items()))
    return stamps


async def test_many_chats_share_thirty_messages_a_second() -> None:
    limiter = ChatRateLimiter(LIMITS)
    stamps = await _acquire_all(limiter, [chat for chat in range(1, 61) for _ in range(3)])
    assert len(stamps) == 180
    assert limit_violations(stamps, LIMITS) == []
    times = sorted(t for _, t in stamps)
    achieved = (len(times) - 1) / (times[-1] - times[0])
    assert 27.0 <= achieved <= 30.0  # the benchmark measures it in real time


async def test_an_instance_paces_itself_at_its_share_when_several_send_for_the_bot() -> None:
    limiter = ChatRateLimiter(LIMITS)
    shared = LIMITS.shared_by(2)
    assert shared.messages_per_second == 15 and shared.chat_interval(7) == LIMITS.chat_interval(7)
    assert LIMITS.shared_by(0) == LIMITS

    limiter.set_limits(shared)
    stamps = await _acquire_all(limiter, [chat for chat in range(1, 61) for _ in range(2)])

    assert limit_violations(stamps, shared) == []
    times = sorted(t for _, t in stamps)
    assert 13.5 <= (len(times) - 1) / (times[-1] - times[0]) <= 15.0  # two such instances: within Telegram's 30/s


async def test_a_private_chat_gets_one_message_a_second() -> None:
    limiter = ChatRateLimiter(LIMITS)
    stamps = await _acquire_all(limiter, [7] * 6)
    gaps = [b - a for (_, a), (_, b) in itertools.pairwise(stamps)]
    assert all(gap >= 1.0 for gap in gaps)
    assert limit_violations(stamps, LIMITS) == []


async def test_a_group_gets_twenty_messages_a_minute() -> None:
    limiter = ChatRateLimiter(LIMITS)
    stamps = await _acquire_all(limiter, [-1001] * 25)
    assert limit_violations(stamps, LIMITS) == []
    times = [t for _, t in stamps]
    assert times[20] - times[0] >= 60.0


async def test_a_chat_waiting_for_its_turn_does_not_hold_up_the_others() -> None:
    limiter = ChatRateLimiter(LIMITS)
    loop = asyncio.get_running_loop()
    await limiter.acquire(1)
    started = loop.time()
    waiting = asyncio.create_task(limiter.acquire(1))  # must wait about a second
    await asyncio.sleep(0)
    for chat in range(2, 12):
        await limiter.acquire(chat)
    assert loop.time() - started < 0.5  # ten other chats went first, at the bot's pace
    await waiting
    assert loop.time() - started >= 1.0


async def test_a_429_pauses_the_whole_bot() -> None:
    limiter = ChatRateLimiter(LIMITS)
    loop = asyncio.get_running_loop()
    await limiter.acquire(1)
    paused_at = loop.time()
    limiter.pause(5)
    await limiter.acquire(2)
    assert loop.time() - paused_at >= 5


async def test_direct_replies_are_counted_but_never_wait() -> None:
    limiter = ChatRateLimiter(LIMITS)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(10):
        await limiter.charge(5)
    assert loop.time() - started < 0.1
    await limiter.acquire(5)  # the outbox waits for the capacity the replies used
    assert loop.time() - started >= 1.0


async def test_the_request_counter_counts_sends_and_edits_only() -> None:
    assert is_counted(SendMessage(chat_id=1, text="hi"))
    assert is_counted(EditMessageText(chat_id=1, message_id=2, text="hi"))
    assert not is_counted(AnswerCallbackQuery(callback_query_id="q"))
    assert not is_counted(SendChatAction(chat_id=1, action="typing"))

    limiter = ChatRateLimiter(LIMITS)
    counter = RequestCounter(limiter)
    passed: list[str] = []

    async def make_request(_bot: object, method: object) -> object:
        passed.append(type(method).__name__)
        return None

    loop = asyncio.get_running_loop()
    started = loop.time()
    await counter(make_request, None, EditMessageText(chat_id=9, message_id=1, text="x"))  # type: ignore[arg-type]
    await counter(make_request, None, AnswerCallbackQuery(callback_query_id="q"))  # type: ignore[arg-type]
    assert passed == ["EditMessageText", "AnswerCallbackQuery"]
    await limiter.acquire(9)
    assert loop.time() - started >= 1.0  # the edit used the chat's turn
