"""Migration 0010: accounts may be in any of the four languages, on SQLite and PostgreSQL, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from storage.choices import LOCALES
from storage.database import Database
from storage.engine import create_engine
from storage.migrate import downgrade, upgrade

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def test_an_account_in_each_language_is_kept(database: Database) -> None:
    for number, locale in enumerate(LOCALES):
        async with database.unit_of_work() as uow:
            account = await uow.accounts.create("telegram", f"70{number}", locale=locale, now=NOW)
        async with database.unit_of_work(read_only=True) as uow:
            found = await uow.accounts.find_by_external("telegram", f"70{number}")
            assert found is not None and found.id == account.id and found.locale == locale
    async with database.unit_of_work() as uow:
        await uow.accounts.set_locale(account.id, "zh_Hant")
    async with database.unit_of_work(read_only=True) as uow:
        found = await uow.accounts.find_by_external("telegram", f"70{len(LOCALES) - 1}")
        assert found is not None and found.locale == "zh_Hant"


def _check_of_locale(connection: object) -> str:
    checks = inspect(connection).get_check_constraints("accounts")
    return str(next(check["sqltext"] for check in checks if check["name"] == "ck_accounts_locale"))


async def test_the_database_refuses_another_language_and_the_downgrade_keeps_its_rows(database_url: str) -> None:
    await upgrade(database_url)
    engine = create_engine(database_url)
    insert = text(
        "INSERT INTO accounts (id, channel, locale, created_at, last_seen_at, unreachable, demo) "
        "VALUES (:id, 'telegram', :locale, :now, :now, false, false)"
    )
    try:
        async with engine.connect() as connection:
            check = await connection.run_sync(_check_of_locale)
            assert all(f"'{locale}'" in check for locale in LOCALES)
        async with engine.begin() as connection:
            await connection.execute(insert, {"id": "00000000000040008000000000000001", "locale": "ru", "now": NOW})
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(insert, {"id": "00000000000040008000000000000002", "locale": "fr", "now": NOW})
        await downgrade(database_url, "0009")
        async with engine.connect() as connection:
            assert "'ru'" not in await connection.run_sync(_check_of_locale)
            locales: list[str] = list((await connection.execute(text("SELECT locale FROM accounts"))).scalars())
            assert locales == ["en"]
        await upgrade(database_url)
        async with engine.connect() as connection:
            assert "'zh_Hant'" in await connection.run_sync(_check_of_locale)
    finally:
        await engine.dispose()
