"""Alembic environment: async engines, the complete model metadata, batch mode for SQLite ALTERs.

When the application runs migrations it passes its own connection in `config.attributes["connection"]`
(see storage/migrate.py); the Alembic CLI gets an engine from `-x url=...`, DATABASE_URL or the default.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from storage.engine import create_engine
from storage.models import metadata

DEFAULT_URL = "sqlite+aiosqlite:///data/yuelao.db"

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    from_cli = context.get_x_argument(as_dictionary=True).get("url")
    return from_cli or os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url") or DEFAULT_URL


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=True,
    )


def _run_with_connection(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_with_connection)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    shared_connection = config.attributes.get("connection")
    if shared_connection is None:
        asyncio.run(_run_with_own_engine())
    else:
        _run_with_connection(shared_connection)
