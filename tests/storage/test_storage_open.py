"""Refusals on open: wrong keys change nothing; unsupported URLs are named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from domain.clock import FakeClock
from storage.database import Database
from storage.engine import create_engine
from storage.errors import MasterKeyMismatchError, UnsupportedDatabaseError
from storage.keys import KeyMaterial, generate_master_key
from tests.db_fixtures import TEST_BLIND_INDEX_KEY


async def _snapshot(url: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows: list[tuple[object, ...]] = []
            for table in ("alembic_version", "data_keys", "accounts"):
                result = await connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
                rows.extend(tuple(row) for row in result)
            return rows
    finally:
        await engine.dispose()


async def test_a_wrong_master_key_is_refused_and_changes_nothing(
    database_url: str, key_material: KeyMaterial, other_key_material: KeyMaterial, clock: FakeClock
) -> None:
    database = await Database.open(database_url, key_material)
    async with database.unit_of_work() as uow:
        await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
    await database.close()
    before = await _snapshot(database_url)

    with pytest.raises(MasterKeyMismatchError) as caught:
        await Database.open(database_url, other_key_material)
    assert str(caught.value) == (
        "cannot decrypt data keys with the configured ENCRYPTION_KEYS; the newest key is test-key-1"
    )
    assert await _snapshot(database_url) == before


async def test_removing_an_old_key_too_early_is_refused(database_url: str, key_material: KeyMaterial) -> None:
    database = await Database.open(database_url, key_material)
    await database.close()
    newer_only = KeyMaterial([generate_master_key("k-new")], TEST_BLIND_INDEX_KEY)
    with pytest.raises(MasterKeyMismatchError, match="the newest key is k-new"):
        await Database.open(database_url, newer_only)
    with_old = KeyMaterial([newer_only.newest, *key_material.master_keys], TEST_BLIND_INDEX_KEY)
    reopened = await Database.open(database_url, with_old)
    await reopened.close()


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/db", "sqlite:///plain-driver.db", "sqlite+aiosqlite:///:memory:", "not a url"],
)
async def test_unsupported_urls_are_named(url: str, key_material: KeyMaterial) -> None:
    with pytest.raises(UnsupportedDatabaseError):
        await Database.open(url, key_material, clock=FakeClock())
