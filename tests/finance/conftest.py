"""Finance fixtures: an ADMIN_IDS owner, and a Bot API double that also answers getMe (the channels' t.me links
name the bot)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from handlers.services.settings import Settings
from tests.botclient import CONVERSATION_METHODS, BotClient, ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.staff.conftest import OWNER_ID


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock, allowed=CONVERSATION_METHODS | {"GetMe"})


@pytest.fixture
def make_person(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., BotClient]:
    """`make_person(user_id=...)`: someone who types at a person's pace (the flood guard stays quiet)."""

    def factory(**kwargs: Any) -> BotClient:
        return paced(dp, bot, session, error_log, **kwargs)

    return factory
