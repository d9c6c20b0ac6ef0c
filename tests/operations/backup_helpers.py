"""A database with one client whose personal data is known, for backup and restore tests."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select

from domain.clock import FakeClock
from storage.database import Database
from storage.keys import KeyMaterial
from storage.models.accounts import AccountRow
from tests.storage.sample_data import create_sample_client


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{data_dir / 'yuelao.db'}"


async def seeded_database(url: str, keys: KeyMaterial) -> UUID:
    """Migrate the database at `url`, add the sample client, close it; returns the client's account id."""
    clock = FakeClock()
    database = await Database.open(url, keys, clock=clock)
    try:
        async with database.unit_of_work() as uow:
            sample = await create_sample_client(uow, clock.now())
    finally:
        await database.close()
    return sample.account_id


async def read_back(url: str, keys: KeyMaterial, account_id: UUID) -> tuple[str | None, str | None]:
    """The sample client's name and self-description, decrypted from the database at `url`."""
    database = await Database.open(url, keys, migrate=False)
    try:
        async with database.unit_of_work(read_only=True) as uow:
            profile = await uow.profiles.require(account_id)
    finally:
        await database.close()
    return profile.display_name, profile.about_me


async def account_count(url: str, keys: KeyMaterial) -> int:
    database = await Database.open(url, keys, migrate=False)
    try:
        async with database.unit_of_work(read_only=True) as uow:
            return int((await uow.session.execute(select(func.count()).select_from(AccountRow))).scalar_one())
    finally:
        await database.close()
