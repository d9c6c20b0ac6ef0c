"""Alembic migrations, run from code: on start (`Database.open(..., migrate=True)`) and by the CLI.

`python run_bot.py migrate` should call `await upgrade(settings.effective_database_url)`. Developers can
also use the Alembic CLI: `alembic -c storage/alembic.ini -x url=sqlite+aiosqlite:///data/yuelao.db ...`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.engine import create_engine
from storage.errors import SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK_ID = 0x59554C41_4F4D4947  # "YULAOMIG": the advisory lock held while migrating


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(connection: AsyncConnection) -> str | None:
    """The revision the database is at (None: never migrated)."""
    return await connection.run_sync(_current_revision)


async def check_known_revision(connection: AsyncConnection) -> str | None:
    """The current revision; `SchemaTooNewError` when this code does not know it (a newer version wrote it)."""
    revision = await current_revision(connection)
    if revision is not None:
        known = {script.revision for script in script_directory().walk_revisions()}
        if revision not in known:
            raise SchemaTooNewError(revision, head_revision())
    return revision


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def upgrade_connection(connection: AsyncConnection, revision: str = "head") -> None:
    """Upgrade inside the caller's transaction (refusing a database from a newer version first).

    On PostgreSQL a transaction-scoped advisory lock makes instances starting together migrate one at a
    time; the later ones then find the schema current.
    """
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": MIGRATION_LOCK_ID})
    await check_known_revision(connection)
    await connection.run_sync(_upgrade, revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (default: the newest), in one transaction."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await upgrade_connection(connection, revision)
    finally:
        await engine.dispose()


async def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at `url` back to `revision` (default: empty). Drops data; for development."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await check_known_revision(connection)
            await connection.run_sync(_downgrade, revision)
    finally:
        await engine.dispose()
