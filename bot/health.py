"""Liveness and readiness of one instance, for `/healthz` and `/readyz` on the admin port (bot/admin_server.py).

- alive: the process runs and its event loop answers (nothing else is checked: a restart would not help).
- ready: the database answers within `timeout`, its schema is at this code's migration head, a leader is known
  (this instance; on PostgreSQL also another instance holding the leader lock), and the instance is not draining.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.delivery.leadership import LEADER_LOCK_KEY
from bot.observability.drain import Drain
from storage.database import Database
from storage.migrate import current_revision, head_revision, script_directory

log = logging.getLogger("yuelao.health")

# Any backend holding the leader's session advisory lock in this database (see bot/delivery/leadership.py;
# advisory locks are per database, pg_locks shows the whole cluster's).
LEADER_HELD_ANYWHERE = text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = :key "
    "AND objsubid = 1 AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class LeaderSource(Protocol):
    @property
    def is_leader(self) -> bool: ...


@dataclass(frozen=True)
class Readiness:
    database: str  # "ok" or "unreachable"
    migrations: str  # "current", "behind", "ahead" or "unknown"
    leader: str  # "this instance", "another instance", "none" or "unknown"
    draining: bool

    @property
    def ready(self) -> bool:
        return (
            self.database == "ok"
            and self.migrations == "current"
            and self.leader in ("this instance", "another instance")
            and not self.draining
        )

    def as_json(self) -> dict[str, object]:
        return {"ready": self.ready, **asdict(self)}


class HealthChecks:
    def __init__(
        self,
        database: Database,
        *,
        background: LeaderSource | None = None,
        drain: Drain | None = None,
        timeout: float = 2.0,
        lock_key: int = LEADER_LOCK_KEY,
    ) -> None:
        self._database = database
        self._background = background
        self._drain = drain
        self._timeout = timeout
        self._lock_key = lock_key
        self._head = head_revision()

    async def readiness(self) -> Readiness:
        draining = self._drain is not None and self._drain.draining
        leads = self._background is not None and self._background.is_leader
        try:
            async with asyncio.timeout(self._timeout):
                revision, others_lead = await self._probe(check_leader=not leads)
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            log.warning("readiness: the database is unreachable (%s)", type(exc).__name__)
            return Readiness("unreachable", "unknown", "this instance" if leads else "unknown", draining)
        if leads:
            leader = "this instance"
        elif self._background is None:
            leader = "unknown"  # nothing here competes for leadership (a tool, not the bot)
        else:
            leader = "another instance" if others_lead else "none"
        return Readiness("ok", self._migrations(revision), leader, draining)

    async def _probe(self, *, check_leader: bool) -> tuple[str | None, bool]:
        async with self._database.engine.connect() as connection:
            revision = await current_revision(connection)
            others_lead = False
            if check_leader and self._database.dialect_name == "postgresql":
                others_lead = bool(await connection.scalar(LEADER_HELD_ANYWHERE, {"key": self._lock_key}))
            await connection.rollback()
        return revision, others_lead

    def _migrations(self, revision: str | None) -> str:
        if revision == self._head:
            return "current"
        if revision is None:
            return "behind"
        if revision not in {script.revision for script in script_directory().walk_revisions()}:
            return "ahead"  # written by a newer version of the code
        return "behind"
