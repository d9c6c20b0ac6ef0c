"""One leader among the instances that share a database: it alone runs the scheduler and the outbox worker.

PostgreSQL: each instance keeps one dedicated connection (its own engine, no pool) for the leader lock, a
session advisory lock. The leader holds it; when the leader dies its connection closes and PostgreSQL
releases the lock. A standby retries `pg_try_advisory_lock` on its connection every `retry_interval` seconds
and takes over. The leader checks its lock every `check_interval` seconds and stands down when the
connection is gone. Between losing the lock and noticing, it can claim nothing: every claim carries a
`LeaderFence` (the lock must be held by the leader's backend).

Every instance also counts the instances (their lock connections, by application name) each time it tries or
checks the lock, and tells `on_instances` when the number changes: the bot's sending limit is Telegram's for the
bot, so each instance paces itself at its share (bot/delivery/service.py).

SQLite: one process owns the database file, so it is the leader at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from bot.delivery.waiting import wait_for_event
from storage.database import Database
from storage.engine import create_engine
from storage.repositories.delivery import LeaderFence

log = logging.getLogger("yuelao.leader")

LEADER_LOCK_KEY = 1_498_762_289  # "YUL1"
APPLICATION_NAME = "yuelao-leader-lock"
INSTANCES = text(
    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND datname = current_database()"
)
HELD = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 "
    "AND objid = :key AND objsubid = 1 AND pid = pg_backend_pid() AND granted"
)


@dataclass(frozen=True)
class LeaderTerm:
    """Leadership, from winning the lock to releasing or losing it. No fence on SQLite."""

    fence: LeaderFence | None


class LeaderElection:
    def __init__(
        self,
        database: Database,
        *,
        key: int = LEADER_LOCK_KEY,
        retry_interval: float = 5.0,
        check_interval: float = 5.0,
    ) -> None:
        self._database = database
        self._key = key
        self._retry_interval = retry_interval
        self._check_interval = check_interval
        self._engine: AsyncEngine | None = None
        self._connection: AsyncConnection | None = None
        self.instances = 1  # instances sharing the database, leader and standbys (as last counted)
        self.on_instances: Callable[[int], None] | None = None  # told when that number changes

    async def acquire(self, stop: asyncio.Event) -> LeaderTerm | None:
        """Become the leader, waiting as long as another instance is; None when `stop` is set first."""
        if self._database.dialect_name != "postgresql":
            return None if stop.is_set() else LeaderTerm(fence=None)
        standing_by = False
        while not stop.is_set():
            fence = await self._try_lock()
            await self._count_instances()
            if fence is not None:
                log.info("leader lock acquired")
                return LeaderTerm(fence)
            if not standing_by:
                log.info("another instance leads; standing by")
                standing_by = True
            await wait_for_event(stop, self._retry_interval)
        return None

    async def hold(self, term: LeaderTerm, stop: asyncio.Event) -> bool:
        """Keep leading until `stop` (True) or until the lock is lost with its connection (False)."""
        if term.fence is None:
            await stop.wait()
            return True
        while not await wait_for_event(stop, self._check_interval):
            connection = self._connection
            try:
                if connection is None:
                    raise ConnectionError
                held = await asyncio.wait_for(connection.scalar(HELD, {"key": self._key}), self._check_interval)
            except (SQLAlchemyError, OSError, TimeoutError) as exc:
                log.warning("leader lock connection lost (%s); standing down", type(exc).__name__)
                await self._discard_connection()
                return False
            if not held:
                log.warning("leader lock no longer held; standing down")
                return False
            await self._count_instances()
        return True

    async def release(self, term: LeaderTerm) -> None:
        """Give the lock up (if still held) so a standby can take over at once."""
        if term.fence is None or self._connection is None:
            return
        try:
            await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            log.info("leader lock released")
        except (SQLAlchemyError, OSError) as exc:
            log.info("leader lock connection already gone (%s)", type(exc).__name__)
            await self._discard_connection()

    async def close(self) -> None:
        """Close the lock connection (which also releases the lock)."""
        await self._discard_connection()
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def _try_lock(self) -> LeaderFence | None:
        try:
            connection = await self._lock_connection()
            if await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}):
                pid = await connection.scalar(text("SELECT pg_backend_pid()"))
                return LeaderFence(self._key, int(pid))
        except (SQLAlchemyError, OSError) as exc:
            log.warning("could not try the leader lock (%s)", type(exc).__name__)
            await self._discard_connection()
        return None

    async def _count_instances(self) -> None:
        """How many instances hold a lock connection now (this one included); a failed count changes nothing."""
        connection = self._connection
        if connection is None:
            return
        try:
            counted = await connection.scalar(INSTANCES, {"name": APPLICATION_NAME})
        except (SQLAlchemyError, OSError) as exc:
            log.info("could not count the instances (%s)", type(exc).__name__)
            return
        instances = max(1, int(counted or 1))
        if instances != self.instances:
            log.info("%d instances share the database", instances)
            self.instances = instances
            if self.on_instances is not None:
                self.on_instances(instances)

    async def _lock_connection(self) -> AsyncConnection:
        if self._connection is None:
            if self._engine is None:
                self._engine = create_engine(
                    self._database.engine.url.render_as_string(hide_password=False),
                    poolclass=NullPool,
                    connect_args={"server_settings": {"application_name": APPLICATION_NAME}},
                )
            connection = await self._engine.connect()
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            self._connection = connection
        return self._connection

    async def _discard_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(SQLAlchemyError, OSError):
                await connection.close()
