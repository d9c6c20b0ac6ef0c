"""Quality fixtures: an owner in ADMIN_IDS, a counselors' chat, people who take a second between updates, and
the staff who handle complaints made directly in the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import select

from handlers.services.settings import Settings
from storage.database import Database
from storage.models.quality import ComplaintRow
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.staff.conftest import OWNER_ID

COUNSELOR_CHAT = -100_777
CLIENT_ID = 9_101
COUNSELOR_ID = 710_001
DESK_ID = 710_002  # customer service
MANAGER_ID = 710_003
SECOND_MANAGER_ID = 710_004


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID], counselor_chat_id=COUNSELOR_CHAT)


@pytest.fixture
def make_user(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., BotClient]:
    def factory(**kwargs: Any) -> BotClient:
        return paced(dp, bot, session, error_log, **kwargs)

    return factory


async def cases(database: Database) -> list[ComplaintRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(ComplaintRow).order_by(ComplaintRow.created_at))).all())


async def set_locale(database: Database, account_id: UUID, locale: str) -> None:
    async with database.unit_of_work() as uow:
        await uow.accounts.set_locale(account_id, locale)
