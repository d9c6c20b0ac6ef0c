"""Staff fixtures: an owner in ADMIN_IDS, a Bot API that may be asked for the bot's username, staff rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import pytest

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.records import StaffMember
from tests.botclient import CONVERSATION_METHODS, BotClient, RecordingSession
from tests.personnel.training_support import pass_training

OWNER_ID = 500_000_001  # in ADMIN_IDS
INVITE_LINK = re.compile(r"https://t\.me/yuelao_test_bot\?start=(staff-[A-Za-z0-9_-]+)")
WEB_COMMAND = re.compile(r"<code>/start (staff-[A-Za-z0-9_-]+)</code>")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[OWNER_ID])


@pytest.fixture
def session(clock: FakeClock) -> RecordingSession:
    # /invite asks Telegram for the bot's username (once per Bot: aiogram keeps it).
    return RecordingSession(clock, allowed=CONVERSATION_METHODS | {"GetMe"})


@dataclass(frozen=True)
class Member:
    account_id: UUID
    user_id: int


async def add_member(
    database: Database,
    clock: FakeClock,
    user_id: int,
    role: str,
    *,
    name: str = "Member",
    trained: bool = True,
    active: bool = True,
    channel: str = "telegram",
) -> Member:
    """A staff member made directly in the database (as `run_bot.py admin add` or an earlier invite would)."""
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create(channel, str(user_id), locale="en", now=clock.now())
        await uow.staff.add(account.id, role=role, display_name=name, now=clock.now())
        if trained:
            await pass_training(uow, account.id, clock)
        if not active:
            await uow.staff.set_active(account.id, False)
    return Member(account.id, user_id)


async def staff_row(database: Database, account_id: UUID) -> StaffMember | None:
    async with database.unit_of_work(read_only=True) as uow:
        return await uow.staff.get(account_id)


async def staff_row_of(database: Database, user: BotClient) -> StaffMember | None:
    async with database.unit_of_work(read_only=True) as uow:
        account = await uow.accounts.find_by_external(user.channel, str(user.user.id))
        return None if account is None else await uow.staff.get(account.id)


async def invite_payload(owner: BotClient, role: str) -> str:
    """The owner sends /invite ROLE; the deep-link payload from the link in the answer."""
    await owner.send(f"/invite {role}")
    found = INVITE_LINK.search(owner.last_text())
    assert found is not None, owner.last_text()
    return found.group(1)
