"""Telegram may deliver the same update twice; the user must get one answer."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram import Bot, Dispatcher
from aiogram.types import Chat, Message, Update, User

from tests.botclient import RecordingSession


async def test_a_repeated_update_id_is_handled_once(dp: Dispatcher, bot: Bot, session: RecordingSession) -> None:
    user = User(id=5, is_bot=False, first_name="A", language_code="en")
    message = Message(
        message_id=1,
        date=datetime(2026, 1, 1, tzinfo=UTC),
        chat=Chat(id=5, type="private"),
        from_user=user,
        text="/help",
    )
    update = Update(update_id=987654, message=message)

    await dp.feed_update(bot, update)
    await dp.feed_update(bot, update)

    assert len(session.requests) == 1
