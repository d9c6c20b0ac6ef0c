"""What a unit of work remembers of the rows it read or wrote lasts until a rollback, a savepoint's too."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey

from domain.clock import FakeClock
from storage.database import Database
from storage.session import TransactionCache, transaction_cache

KEY = StorageKey(bot_id=1, chat_id=730_015_942_117, user_id=730_015_942_117)


class Undone(Exception):
    """Raised to roll a savepoint back."""


async def test_a_rolled_back_savepoint_forgets_the_profile_rows_it_wrote(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now())
        await uow.profiles.update(account.id, now=clock.now(), display_name="Lin")
    async with database.unit_of_work() as uow:
        assert (await uow.profiles.require(account.id)).display_name == "Lin"
        with pytest.raises(Undone):
            async with uow.session.begin_nested():
                await uow.profiles.update(account.id, now=clock.now(), display_name="Wang")
                assert (await uow.profiles.require(account.id)).display_name == "Wang"
                raise Undone
        assert transaction_cache(uow.session) == TransactionCache()
        assert (await uow.profiles.require(account.id)).display_name == "Lin"


async def test_a_rolled_back_savepoint_forgets_the_conversation_state_it_wrote(database: Database) -> None:
    storage = database.fsm_storage()
    await storage.set_state(KEY, "Intake:name")
    async with database.unit_of_work() as uow:
        assert await storage.get_state(KEY) == "Intake:name"
        with pytest.raises(Undone):
            async with uow.session.begin_nested():
                await storage.set_state(KEY, "Intake:about")
                assert await storage.get_state(KEY) == "Intake:about"
                raise Undone
        assert transaction_cache(uow.session).fsm_rows == {}
        assert await storage.get_state(KEY) == "Intake:name"


async def test_each_unit_of_work_has_a_cache_of_its_own(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now())
        first = transaction_cache(uow.session)
        assert account.id in first.profile_rows
    async with database.unit_of_work() as uow:
        assert transaction_cache(uow.session) is not first
        assert transaction_cache(uow.session).profile_rows == {}
