"""Casework fixtures: staff made in the database, clients made by the journey or (for the matrix) directly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from aiogram import Bot, Dispatcher

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.botclient import BotClient, ErrorLogCapture, RecordingSession
from tests.journey_walk import paced
from tests.staff.conftest import OWNER_ID

COUNSELOR_CHAT = -100_555


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID], counselor_chat_id=COUNSELOR_CHAT)


async def make_client(
    database: Database,
    clock: FakeClock,
    user_id: int,
    name: str,
    *,
    counselor: UUID | None = None,
    gender: str = "male",
    phone: str | None = "+8613800138000",
) -> UUID:
    """An active client made directly in the database (faster than the whole journey)."""
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", str(user_id), locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
        await uow.profiles.update(
            account.id, now=clock.now(), display_name=name, gender=gender, birth_year=1990, phone=phone
        )
        if counselor is not None:
            await uow.assignments.assign(account.id, counselor, now=clock.now(), by=None)
    return account.id


async def counselor_of(database: Database, client_id: UUID) -> UUID | None:
    async with database.unit_of_work(read_only=True) as uow:
        return await uow.assignments.counselor_of(client_id)


@pytest.fixture
def make_user(
    dp: Dispatcher, bot: Bot, session: RecordingSession, error_log: ErrorLogCapture
) -> Callable[..., BotClient]:
    """People who take a second between updates (the flood guard would otherwise slow a busy counselor)."""

    def factory(**kwargs: Any) -> BotClient:
        return paced(dp, bot, session, error_log, **kwargs)

    return factory
