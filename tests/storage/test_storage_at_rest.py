"""A copy of the database does not tell who anyone is: no personal value appears in the stored bytes."""

from __future__ import annotations

from pathlib import Path

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import text

from domain.clock import FakeClock
from storage.database import Database
from storage.keys import KeyMaterial
from tests.db_fixtures import RawContents
from tests.storage.sample_data import SECRETS, TELEGRAM_ID, USERNAME, create_sample_client


async def test_no_personal_value_is_stored_in_plaintext(
    database: Database, raw_contents: RawContents, clock: FakeClock
) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
    fsm = database.fsm_storage()
    key = StorageKey(bot_id=42, chat_id=int(TELEGRAM_ID), user_id=int(TELEGRAM_ID))
    async with database.unit_of_work(principal_id=sample.account_id):
        await fsm.set_state(key, "Intake:about_me")
        await fsm.set_data(key, {"username": USERNAME, "draft": "half-typed answer about Lu Wenbo"})

    raw = await raw_contents()
    assert b"CN-ZJ" in raw, "the dump must see the rows (clear region code) for the test to mean anything"
    leaked = [secret for secret in [*SECRETS, "Lu Wenbo"] if secret.encode() in raw]
    leaked += [secret for secret in SECRETS if secret.encode("utf-16-le") in raw]
    assert leaked == []

    async with database.unit_of_work() as uow:
        profile = await uow.profiles.require(sample.account_id)
    assert profile.about_me is not None and profile.phone is not None


async def test_sqlite_runs_in_wal_with_busy_timeout_and_foreign_keys(tmp_path: Path, key_material: KeyMaterial) -> None:
    database = await Database.open(f"sqlite+aiosqlite:///{tmp_path / 'new' / 'dir' / 'yuelao.db'}", key_material)
    try:
        await _assert_sqlite_pragmas(database)
    finally:
        await database.close()


async def _assert_sqlite_pragmas(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 10_000
        assert (await connection.execute(text("PRAGMA secure_delete"))).scalar() == 1
