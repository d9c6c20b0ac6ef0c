"""Database fixtures, loaded by tests/conftest.py (`pytest_plugins = ["tests.db_fixtures"]`).

- `database_url`: parametrized over "sqlite" (a file in tmp_path) and "postgres" (TEST_DATABASE_URL, default
  postgresql+asyncpg://postgres@127.0.0.1:5432/test, with a clean `public` schema per test). Without a
  reachable PostgreSQL the postgres half skips, except under CI (env `CI` set), where it fails.
- `key_material`: fixed test keys. `other_key_material`: a different master key (wrong-key tests).
- `database`: opened and migrated on `database_url`, closed afterwards.
- `raw_contents`: everything the database holds as raw bytes (SQLite files incl. WAL; PostgreSQL rows
  read through a plain connection), for "no plaintext at rest" assertions.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from domain.clock import FakeClock
from storage.database import Database
from storage.keys import KeyMaterial, MasterKey

DEFAULT_TEST_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
TEST_MASTER_KEY = MasterKey("test-key-1", bytes(range(32)))
OTHER_MASTER_KEY = MasterKey("test-key-1", bytes(range(100, 132)))
TEST_BLIND_INDEX_KEY = bytes(range(64, 96))

_postgres_unreachable: list[str] = []

RawContents = Callable[[], Awaitable[bytes]]


def postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_TEST_DATABASE_URL)


def _postgres_engine(url: str) -> AsyncEngine:
    return create_async_engine(url, poolclass=NullPool, connect_args={"timeout": 5})


async def reset_postgres_schema(url: str) -> None:
    """Drop and recreate the `public` schema: every test starts from an empty database."""
    if _postgres_unreachable:
        _unavailable(_postgres_unreachable[0])
    engine = _postgres_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    except (OSError, TimeoutError, DBAPIError) as exc:
        _postgres_unreachable.append(f"PostgreSQL at TEST_DATABASE_URL is unavailable ({type(exc).__name__})")
        _unavailable(_postgres_unreachable[0])
    finally:
        await engine.dispose()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'yuelao.db'}"
    url = postgres_url()
    await reset_postgres_schema(url)
    return url


@pytest.fixture
def key_material() -> KeyMaterial:
    return KeyMaterial([TEST_MASTER_KEY], TEST_BLIND_INDEX_KEY)


@pytest.fixture
def other_key_material() -> KeyMaterial:
    """Same key id, different key: what a misconfigured deployment looks like."""
    return KeyMaterial([OTHER_MASTER_KEY], TEST_BLIND_INDEX_KEY)


@pytest.fixture
async def database(
    request: pytest.FixtureRequest, database_url: str, key_material: KeyMaterial
) -> AsyncIterator[Database]:
    """Opened and migrated; its clock is the test's `clock` fixture when there is one."""
    try:
        clock = request.getfixturevalue("clock")
    except pytest.FixtureLookupError:
        clock = FakeClock()
    opened = await Database.open(database_url, key_material, clock=clock)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def raw_contents(database_url: str) -> RawContents:
    """An async function returning all the bytes an attacker holding the database would see."""

    async def read() -> bytes:
        if database_url.startswith("sqlite"):
            database_file = Path(database_url.split(":///", 1)[1])
            parts = [database_file, Path(f"{database_file}-wal"), Path(f"{database_file}-journal")]
            return b"".join(path.read_bytes() for path in parts if path.exists())
        return await dump_postgres_rows(database_url)

    return read


async def dump_postgres_rows(url: str) -> bytes:
    """Every row of every table, each column cast to text, through a plain connection."""
    engine = _postgres_engine(url)
    chunks: list[bytes] = []
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            for table in tables:
                rows = await connection.execute(text(f'SELECT * FROM "{table}"'))
                for row in rows:
                    for value in row:
                        chunks.append(value if isinstance(value, bytes) else str(value).encode())
    finally:
        await engine.dispose()
    return b"\n".join(chunks)
