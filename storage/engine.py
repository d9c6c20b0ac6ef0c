"""Creating the async engine: supported backends, SQLite pragmas and transaction behaviour.

SQLite: WAL (readers never wait for the writer), a busy timeout (writers queue instead of failing),
foreign keys on, `secure_delete` on (deleted rows are overwritten, not left in free pages), and a
`BEGIN IMMEDIATE` for every transaction, so a unit of work takes the write lock up front instead of
failing with "database is locked" when it upgrades from reading to writing under concurrency.
Connections marked read-only (`READ_ONLY_OPTION`) begin a plain deferred transaction instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.errors import UnsupportedDatabaseError
from storage.sqlite_driver import LeanConnection, lean_connector

SQLITE_DRIVER = "sqlite+aiosqlite"
POSTGRES_DRIVER = "postgresql+asyncpg"
SQLITE_BUSY_TIMEOUT_MS = 10_000
READ_ONLY_OPTION = "yuelao_read_only"
READ_ONLY_OPTIONS: Mapping[str, Any] = {READ_ONLY_OPTION: True}
# Connections a process keeps open by default, and how many more it may open for a burst. A connection opened
# beyond the pool is closed when it is returned, so a pool smaller than the transactions running at once opens
# and closes one for most transactions under load: on PostgreSQL a server session each time (a process forked by
# the server, authentication, prepared statements lost), on SQLite a thread and the pragmas.
POOL_SIZE = 30
POOL_OVERFLOW = 10


def parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnsupportedDatabaseError("the database URL cannot be parsed") from None
    if parsed.drivername not in (SQLITE_DRIVER, POSTGRES_DRIVER):
        raise UnsupportedDatabaseError(
            f"unsupported database driver {parsed.drivername!r}; use {SQLITE_DRIVER}:///path/to/file.db "
            f"or {POSTGRES_DRIVER}://user@host/dbname"
        )
    if parsed.drivername == SQLITE_DRIVER and parsed.database in (None, "", ":memory:"):
        raise UnsupportedDatabaseError("an in-memory SQLite database is not supported; give a file path")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL)."""
    if url.drivername != SQLITE_DRIVER or url.database is None:
        return None
    return Path(url.database)


def create_engine(url: str, *, pool_size: int | None = None, **engine_options: Any) -> AsyncEngine:
    """An engine for a supported URL; SQLite files get their directory created and their pragmas set.

    `pool_size`: the connections kept open once opened (`POOL_SIZE` when None), plus up to `POOL_OVERFLOW` more
    in a burst (not with a `poolclass` of the caller's).
    """
    parsed = parse_url(url)
    engine_options.setdefault("hide_parameters", True)  # bound values never reach logs or exception texts
    if "poolclass" not in engine_options:
        engine_options.setdefault("pool_size", pool_size or POOL_SIZE)
        engine_options.setdefault("max_overflow", POOL_OVERFLOW)
    database_file = sqlite_file(parsed)
    if database_file is None:
        engine_options.setdefault("pool_pre_ping", True)
        return create_async_engine(parsed, **engine_options)
    database_file.parent.mkdir(parents=True, exist_ok=True)
    engine_options.setdefault("async_creator", lean_connector(str(database_file)))
    engine = create_async_engine(parsed, **engine_options)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return
        statement = "BEGIN" if options.get(READ_ONLY_OPTION) else "BEGIN IMMEDIATE"
        driver_connection = connection.connection.driver_connection
        if isinstance(driver_connection, LeanConnection):
            driver_connection.defer_begin(statement)  # sent with the transaction's first statement
        else:
            connection.exec_driver_sql(statement)
