"""The aiogram FSM storage: encrypted, keyed by an HMAC, persistent, shared, part of the update's transaction."""

from __future__ import annotations

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import select

from domain.clock import FakeClock
from storage.database import Database
from storage.keys import KeyMaterial
from storage.models.fsm import FsmStateRow
from tests.db_fixtures import RawContents

CHAT_ID = 730_015_942_117


class Intake(StatesGroup):
    name = State()
    about = State()


def storage_key(user_id: int = CHAT_ID, **extra: object) -> StorageKey:
    return StorageKey(bot_id=123456, chat_id=user_id, user_id=user_id, **extra)  # type: ignore[arg-type]


async def test_state_and_data_roundtrip(database: Database) -> None:
    storage = database.fsm_storage()
    context = FSMContext(storage, storage_key())
    assert await context.get_state() is None and await context.get_data() == {}

    await context.set_state(Intake.name)
    await context.set_data({"answers": {"name": "Lin"}, "step": 1})
    await context.update_data(step=2)
    assert await context.get_state() == "Intake:name"
    assert await context.get_data() == {"answers": {"name": "Lin"}, "step": 2}
    assert await context.get_value("step") == 2

    await context.set_state("Intake:about")
    assert await context.get_state() == "Intake:about"
    assert await storage.get_state(storage_key(destiny="other")) is None
    assert await storage.get_state(storage_key(thread_id=5)) is None


async def test_clearing_state_and_data_removes_the_row(database: Database) -> None:
    storage = database.fsm_storage()
    await storage.set_state(storage_key(), Intake.about)
    await storage.set_data(storage_key(), {"a": 1})
    await FSMContext(storage, storage_key()).clear()
    async with database.unit_of_work(read_only=True) as uow:
        assert (await uow.session.scalars(select(FsmStateRow))).all() == []


async def test_only_json_can_be_stored(database: Database) -> None:
    with pytest.raises(TypeError, match="JSON-serialisable"):
        await database.fsm_storage().set_data(storage_key(), {"when": object()})


async def test_state_survives_a_restart_and_is_shared_between_instances(
    database_url: str, key_material: KeyMaterial, clock: FakeClock
) -> None:
    first = await Database.open(database_url, key_material, clock=clock)
    second = await Database.open(database_url, key_material, clock=clock)
    try:
        await first.fsm_storage().set_state(storage_key(), Intake.about)
        await first.fsm_storage().set_data(storage_key(), {"about": "likes tea"})
        assert await second.fsm_storage().get_state(storage_key()) == "Intake:about"
        await second.fsm_storage().set_data(storage_key(), {"about": "likes green tea"})
        assert await first.fsm_storage().get_data(storage_key()) == {"about": "likes green tea"}
    finally:
        await first.close()
        await second.close()
    reopened = await Database.open(database_url, key_material, clock=clock)
    try:
        assert await reopened.fsm_storage().get_state(storage_key()) == "Intake:about"
        assert await reopened.fsm_storage().get_data(storage_key()) == {"about": "likes green tea"}
    finally:
        await reopened.close()


async def test_writes_join_the_unit_of_work_and_roll_back_with_it(database: Database, clock: FakeClock) -> None:
    storage = database.fsm_storage()
    await storage.set_state(storage_key(), Intake.name)
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            await uow.accounts.create("telegram", str(CHAT_ID), locale="en", now=clock.now())
            await storage.set_state(storage_key(), Intake.about)
            assert await storage.get_state(storage_key()) == "Intake:about"
            raise RuntimeError("handler failed")
    assert await storage.get_state(storage_key()) == "Intake:name"


async def test_rows_are_tagged_with_the_principal_and_deleted_by_key(database: Database, clock: FakeClock) -> None:
    storage = database.fsm_storage()
    await storage.set_state(storage_key(), Intake.name)
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", str(CHAT_ID), locale="en", now=clock.now())
        uow.principal_id = account.id
        await storage.set_data(storage_key(), {"name": "Lin"})
    async with database.unit_of_work():
        await storage.set_state(storage_key(), Intake.about)  # no principal: the tag stays
    async with database.unit_of_work(read_only=True) as uow:
        row = (await uow.session.scalars(select(FsmStateRow))).one()
        assert row.account_id == account.id and row.key_index == storage.key_index(storage_key())
    assert await storage.delete([storage_key(), storage_key(user_id=1)]) == 1
    assert await storage.get_state(storage_key()) is None


async def test_the_database_holds_neither_the_telegram_ids_nor_the_answers(
    database: Database, raw_contents: RawContents
) -> None:
    storage = database.fsm_storage()
    await storage.set_state(storage_key(), Intake.about)
    await storage.set_data(storage_key(), {"about": "Plays the guzheng at weddings"})
    raw = await raw_contents()
    for secret in (str(CHAT_ID), "guzheng", "Intake:about", "123456"):
        assert secret.encode() not in raw, secret
