"""Someone who floods the bot gets one notice, then silence, then normal service once they slow down."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import AnswerCallbackQuery

from domain.clock import FakeClock
from tests.botclient import BotClient


async def test_flooding_gets_one_notice_then_silence_then_service_again(user: BotClient, clock: FakeClock) -> None:
    for _ in range(8):  # the default burst
        await user.send("/help")
    assert user.last_text().startswith("Here is what I can do")

    notice = await user.send("/help")
    assert len(notice) == 1
    assert user.last_text().startswith("You are sending messages very quickly")

    assert await user.send("/help") == []
    assert await user.send("/help") == []

    clock.advance(timedelta(seconds=10))
    await user.send("/help")
    assert user.last_text().startswith("Here is what I can do")


async def test_a_throttled_button_press_is_still_answered(user: BotClient) -> None:
    for _ in range(10):
        await user.send("/help")

    calls = await user.press("lang:en")

    assert [type(c) for c in calls] == [AnswerCallbackQuery]
