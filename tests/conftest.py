"""Shared fixtures: a fake clock, settings in a temporary data dir, the real app on SQLite, and users."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher

from bot import replies
from bot.app import create_dispatcher
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession, make_bot

pytest_plugins = ["tests.db_fixtures"]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[])


@pytest.fixture
async def app_database(settings: Settings, key_material: object) -> AsyncIterator[Database]:
    database = await Database.open(settings.effective_database_url, key_material)  # type: ignore[arg-type]
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def error_log() -> Iterator[ErrorLogCapture]:
    capture = ErrorLogCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.removeHandler(capture)


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    return RecordingSession(clock)


@pytest.fixture
async def bot(session: RecordingSession) -> AsyncIterator[Bot]:
    bot = make_bot(session)
    yield bot
    await replies.flush_sent(bot)  # before the database closes: what a graceful stop does
    await bot.session.close()


@pytest.fixture
def dp(settings: Settings, app_database: Database, clock: FakeClock) -> Dispatcher:
    return create_dispatcher(settings, database=app_database, clock=clock)




@pytest.fixture
def make_user(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., BotClient]:
    """`make_user(user_id=..., language_code="zh")`: another person in the same bot."""

    def factory(**kwargs: object) -> BotClient:
        return BotClient(dp, bot, session, log_capture=error_log, **kwargs)  # type: ignore[arg-type]

    return factory


@pytest.fixture
def user(make_user: Callable[..., BotClient]) -> BotClient:
    return make_user()
