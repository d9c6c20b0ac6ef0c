"""Key rotation: every data key re-wrapped under the newest master key, in resumable batches."""

from __future__ import annotations

from datetime import datetime

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import storage.rotation
from domain.clock import FakeClock
from storage.crypto.master import MasterKeyRing
from storage.database import Database
from storage.keys import KeyMaterial, generate_master_key
from storage.models.accounts import DataKeyRow
from storage.rotation import rotate_keys
from tests.db_fixtures import TEST_BLIND_INDEX_KEY

CLIENTS = 1000


async def _create_clients(database: Database, now: datetime) -> None:
    async with database.unit_of_work() as uow:
        for number in range(CLIENTS):
            account = await uow.accounts.create("telegram", str(7_000_000 + number), locale="en", now=now)
            await uow.profiles.create(account.id, now=now)
            await uow.profiles.update(account.id, now=now, display_name=f"Client {number}", phone=f"+86139{number:08d}")


async def _keys_per_master(database: Database) -> dict[str, int]:
    async with database.unit_of_work(read_only=True) as uow:
        result = await uow.session.execute(
            select(DataKeyRow.master_key_id, func.count()).group_by(DataKeyRow.master_key_id)
        )
        return {master_key_id: count for master_key_id, count in result}


async def test_rotation_rewraps_every_key_and_resumes_after_interruption(
    database_url: str, key_material: KeyMaterial, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = key_material.newest.key_id
    database = await Database.open(database_url, key_material, clock=clock)
    await _create_clients(database, clock.now())
    await database.close()

    rotated_keys = KeyMaterial([generate_master_key("k-2026"), *key_material.master_keys], TEST_BLIND_INDEX_KEY)
    database = await Database.open(database_url, rotated_keys, clock=clock)
    try:
        real_batch = storage.rotation._rewrap_batch
        batches = 0

        async def crash_in_third_batch(session: AsyncSession, master: MasterKeyRing, batch_size: int) -> int:
            nonlocal batches
            batches += 1
            count = await real_batch(session, master, batch_size)
            if batches == 3:
                raise KeyboardInterrupt  # the operator pressed Ctrl-C after the batch's writes, before commit
            return count

        monkeypatch.setattr(storage.rotation, "_rewrap_batch", crash_in_third_batch)
        with pytest.raises(KeyboardInterrupt):
            await rotate_keys(database, batch_size=300)
        assert await _keys_per_master(database) == {"k-2026": 600, old: CLIENTS + 1 - 600}
        monkeypatch.undo()

        report = await rotate_keys(database, batch_size=300)
        assert (report.newest_key_id, report.rewrapped, report.remaining, report.done) == ("k-2026", 401, 0, True)
        assert await _keys_per_master(database) == {"k-2026": CLIENTS + 1}
        assert (await rotate_keys(database)).rewrapped == 0
    finally:
        await database.close()

    without_old = KeyMaterial([rotated_keys.newest], TEST_BLIND_INDEX_KEY)
    database = await Database.open(database_url, without_old, clock=clock)
    try:
        async with database.unit_of_work(read_only=True) as uow:
            profiles = await uow.profiles.list_by_status("draft")
            assert len(profiles) == CLIENTS
            assert {profile.display_name for profile in profiles} == {f"Client {n}" for n in range(CLIENTS)}
            assert [p.account_id for p in await uow.profiles.find_by_phone("+8613900000999")] != []
        fsm = database.fsm_storage()
        await fsm.set_data(StorageKey(bot_id=1, chat_id=2, user_id=2), {"step": "name"})
        assert await fsm.get_data(StorageKey(bot_id=1, chat_id=2, user_id=2)) == {"step": "name"}
    finally:
        await database.close()


async def test_rotation_with_nothing_to_do_reports_zero(database: Database) -> None:
    report = await rotate_keys(database, progress=True)
    assert (report.rewrapped, report.remaining, report.remaining_by_key) == (0, 0, {})
