"""PostgreSQL backups: pg_dump of the live database, pg_restore into a new empty one, the profile read back
with the keys; a missing pg_dump is named with how to get it."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from domain.clock import FakeClock
from storage.backups import BackupError, create_backup, postgres_tools, restore_backup
from storage.keys import KeyMaterial
from tests.db_fixtures import _unavailable, postgres_url, reset_postgres_schema
from tests.operations.backup_helpers import read_back, seeded_database
from tests.storage.sample_data import ABOUT_ME, CHINESE_NAME, DISPLAY_NAME, SECRETS

pytestmark = pytest.mark.postgres


@pytest.fixture
async def live_url() -> str:
    if shutil.which("pg_dump") is None and not list(postgres_tools.DEBIAN_TOOL_DIRS.glob("*/bin/pg_dump")):
        _unavailable("pg_dump is not installed")
    url = postgres_url()
    await reset_postgres_schema(url)
    return url


@pytest.fixture
async def empty_url(live_url: str) -> AsyncIterator[str]:
    """A new, empty database next to the test database, dropped afterwards."""
    parsed = make_url(live_url)
    name = f"{parsed.database}_restore"
    engine = create_async_engine(live_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield parsed.set(database=name).render_as_string(hide_password=False)
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


async def test_a_dump_restores_into_an_empty_database_and_reads_back(
    live_url: str, empty_url: str, tmp_path: Path, key_material: KeyMaterial
) -> None:
    account_id = await seeded_database(live_url, key_material)

    result = await create_backup(live_url, key_material, tmp_path / "backups", now=FakeClock().now())
    restored = await restore_backup(result.file, empty_url, key_material)

    assert result.file.suffix == ".pgdump" and result.manifest.engine == "postgresql"
    assert restored.schema_revision == result.manifest.schema_revision == restored.head_revision
    assert await read_back(empty_url, key_material, account_id) == (f"{DISPLAY_NAME} {CHINESE_NAME}", ABOUT_ME)
    raw = result.file.read_bytes()  # custom format compresses; the check below reads the restored rows instead
    assert [secret for secret in SECRETS if secret.encode() in raw] == []


async def test_a_database_that_has_tables_is_not_restored_into(
    live_url: str, tmp_path: Path, key_material: KeyMaterial
) -> None:
    await seeded_database(live_url, key_material)
    result = await create_backup(live_url, key_material, tmp_path / "backups", now=FakeClock().now())

    with pytest.raises(BackupError, match="not empty"):
        await restore_backup(result.file, live_url, key_material)


def test_a_missing_pg_dump_is_named_with_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres_tools, "DEBIAN_TOOL_DIRS", tmp_path / "none")

    with pytest.raises(BackupError, match=r"pg_dump was not found: install .*postgresql-client.* --pg-bin"):
        postgres_tools.find_tool("pg_dump")
    with pytest.raises(BackupError, match="pg_restore is not in"):
        postgres_tools.find_tool("pg_restore", tmp_path)


def test_the_password_goes_in_the_environment_not_the_command_line() -> None:
    target, environment = postgres_tools.libpq_target(
        make_url("postgresql+asyncpg://bot:s3cret@db.internal:5433/yuelao?ssl=require")
    )

    assert target == "postgresql://bot@db.internal:5433/yuelao?sslmode=require"
    assert environment["PGPASSWORD"] == "s3cret"
