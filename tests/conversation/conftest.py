"""People on Telegram as Telegram reports them (tests/conversation/telegram.py), for the modules that ask for
Telegram's own refusals: such a module overrides `session` with `TelegramChat`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram import Bot, Dispatcher

from tests.botclient import ErrorLogCapture, RecordingSession
from tests.conversation.telegram import TelegramChat, TelegramClient


@pytest.fixture
def make_person(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., TelegramClient]:
    """`make_person(user_id=..., language_code="zh")`: another person on Telegram."""
    assert isinstance(session, TelegramChat), "override `session` with TelegramChat in this module"

    def factory(**kwargs: object) -> TelegramClient:
        return TelegramClient(dp, bot, session, log_capture=error_log, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def person(make_person: Callable[..., TelegramClient]) -> TelegramClient:
    return make_person()
