"""What makes one update run once and one user's updates run one at a time, across every instance.

Both happen at the start of the update's own unit of work (`bot/middlewares/database.py`):

- the user's lock: on PostgreSQL, `pg_advisory_xact_lock` on a 64-bit key of the user (bot, chat, user).
  Another instance's update of the same user waits for it until this transaction ends (commit or rollback
  releases it). On SQLite nothing is needed: every write transaction begins with `BEGIN IMMEDIATE`, so
  writers run one at a time, and the database is one process's file.
- `record`: `INSERT .. ON CONFLICT DO NOTHING` of (bot id, channel, update id). No row inserted means the update
  was already handled by a committed transaction (another instance, or an earlier delivery): skip it. The row
  commits or rolls back with the update's effects, so an update whose transaction rolled back can run again.
  On PostgreSQL a second insert of a row another transaction has written but not committed waits for that
  transaction, then inserts (it rolled back) or does nothing (it committed).

An update with both takes them in one statement on PostgreSQL (the lock in the INSERT's FROM, so it is held
before the row is tried): one round trip at the start of every update instead of two. `lock_user` alone is
for an update that is not recorded.

`purge` deletes rows older than the retention, from the leader's periodic purge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    BindParameter,
    CursorResult,
    Executable,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models.updates import ProcessedUpdateRow
from storage.sealing import FieldCrypto

# The advisory lock's key is keyed (an HMAC under a key derived from the blind-index key, like every blind
# index), so `pg_locks` never shows something a Telegram id could be recovered from by trying every id.
USER_LOCK_INDEX = "advisory_locks.user"

_TABLE = cast(Table, ProcessedUpdateRow.__table__)
_LOCK_USER = text("SELECT pg_advisory_xact_lock(:key)")
_RECORDS: dict[tuple[str, bool], Executable] = {}
_COLUMNS = ("bot_id", "channel", "update_id", "seen_at")
_PRIMARY_KEY = [_TABLE.c.bot_id, _TABLE.c.channel, _TABLE.c.update_id]


def user_lock_key(crypto: FieldCrypto, bot_id: int, chat_id: int, user_id: int) -> int:
    """A stable signed 64-bit key of the user for PostgreSQL's advisory locks (the same in every instance)."""
    digest = crypto.blind_index(USER_LOCK_INDEX, f"{bot_id}:{chat_id}:{user_id}")
    return int.from_bytes(digest[:8], "big", signed=True)


def _record_statement(dialect_name: str, *, locking: bool) -> Executable:
    """The INSERT of the record; `locking` (PostgreSQL only): the user's advisory lock taken by the same statement."""
    statement = _RECORDS.get((dialect_name, locking))
    if statement is None:
        values: list[BindParameter[Any]] = [
            bindparam("bot_id", type_=BigInteger),
            bindparam("channel", type_=String),
            bindparam("update_id", type_=BigInteger),
            bindparam("seen_at", type_=_TABLE.c.seen_at.type),
        ]
        if locking:
            locked = select(func.pg_advisory_xact_lock(bindparam("lock_key", type_=BigInteger))).subquery("locked")
            statement = (
                pg_insert(_TABLE)
                .from_select(_COLUMNS, select(*values).select_from(locked))
                .on_conflict_do_nothing(index_elements=_PRIMARY_KEY)
                .returning(_TABLE.c.update_id)
            )
        else:
            insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
            statement = (
                insert(_TABLE)
                .values(dict(zip(_COLUMNS, values, strict=True)))
                .on_conflict_do_nothing(index_elements=_PRIMARY_KEY)
                .returning(_TABLE.c.update_id)
            )
        _RECORDS[(dialect_name, locking)] = statement
    return statement


class UpdatesRepository:
    """Processed updates and the per-user lock; no personal data, so it needs the session and the crypto only."""

    def __init__(self, session: AsyncSession, crypto: FieldCrypto) -> None:
        self._session = session
        self._crypto = crypto

    @property
    def _dialect_name(self) -> str:
        return self._session.get_bind().dialect.name

    async def lock_user(self, bot_id: int, chat_id: int, user_id: int) -> None:
        """PostgreSQL: wait for, then hold until this transaction ends, the user's advisory lock. SQLite: nothing."""
        if self._dialect_name != "postgresql":
            return
        await self._session.execute(_LOCK_USER, {"key": user_lock_key(self._crypto, bot_id, chat_id, user_id)})

    async def record(
        self, bot_id: int, channel: str, update_id: int, *, now: datetime, user: tuple[int, int] | None = None
    ) -> bool:
        """Record the update in this transaction; False if a committed transaction already recorded it.

        `user`: (chat id, user id) of the update's sender: on PostgreSQL their lock (`lock_user`) is taken first,
        in the same statement. Call it first in the transaction.
        """
        parameters: dict[str, object] = {"bot_id": bot_id, "channel": channel, "update_id": update_id, "seen_at": now}
        locking = False
        if user is not None and self._dialect_name == "postgresql":
            parameters["lock_key"] = user_lock_key(self._crypto, bot_id, *user)
            locking = True
        inserted = await self._session.scalar(_record_statement(self._dialect_name, locking=locking), parameters)
        return inserted is not None

    async def seen(self, bot_id: int, channel: str) -> list[int]:
        """The update ids recorded for (bot, channel), in order (for operators and tests)."""
        rows = await self._session.scalars(
            select(ProcessedUpdateRow.update_id)
            .where(ProcessedUpdateRow.bot_id == bot_id, ProcessedUpdateRow.channel == channel)
            .order_by(ProcessedUpdateRow.update_id)
        )
        return list(rows)

    async def purge(self, *, seen_before: datetime) -> int:
        """Delete the rows recorded before `seen_before`; returns how many."""
        result = cast(
            CursorResult[Any], await self._session.execute(delete(_TABLE).where(_TABLE.c.seen_at < seen_before))
        )
        return result.rowcount
