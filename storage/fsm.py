"""aiogram FSM storage in the database: conversation state survives restarts and is shared by instances.

- The row key is an HMAC of the aiogram StorageKey (which holds Telegram chat and user ids), never the key.
- State and data are sealed under the system data key (rotated with the others), bound to the row key.
- Inside a unit of work (the update's transaction) reads and writes join it, so the state commits or rolls
  back together with what the handler wrote, and SQLite never sees two writers from one update. Outside
  one, each call is a short transaction of its own.
- Rows written in a unit of work with a `principal_id` carry that account id, and crypto-shredding the
  account deletes them. Rows can also be deleted by StorageKey with `delete`.
- Writes are upserts: no in-memory state between transactions, safe across processes.
- Within one unit of work a row is read once, both columns at a time, and what the transaction wrote is
  remembered (in the session's `TransactionCache`, emptied on any rollback): aiogram reads the state before
  the handler, the handler reads the data and writes either, and each of those would otherwise be a
  statement. A row whose state and data both become empty is deleted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import CursorResult, Executable, bindparam, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto.blind_index import FSM_STORAGE_KEY
from storage.models.fsm import FsmStateRow
from storage.records import ConversationState
from storage.sealing import FieldCrypto, RecordSpec
from storage.session import SealedRow, transaction_cache

if TYPE_CHECKING:
    from storage.database import Database
    from storage.unit_of_work import UnitOfWork

FSM_STATES = RecordSpec(FsmStateRow, ConversationState, row_id="key_index")
COLUMNS = ("state", "data")
OTHER_COLUMN = {"state": "data", "data": "state"}

# The rows this transaction read or wrote are in `TransactionCache.fsm_rows` (storage/session.py): key index ->
# the sealed columns known (a column missing: not read yet), or None: no row.

# The statements of the update path, built once (Core, on the table: no ORM work per call).
_TABLE = FSM_STATES.table
_READ_ROW = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key_index == bindparam("key_index"))
_UPSERTS: dict[tuple[str, str], Executable] = {}


def _upsert(dialect_name: str, column: str) -> Executable:
    """INSERT ... ON CONFLICT DO UPDATE of one column, for the dialect; parameters: the row's values."""
    statement = _UPSERTS.get((dialect_name, column))
    if statement is None:
        insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
        values = insert(_TABLE).values(
            key_index=bindparam("key_index"),
            account_id=bindparam("account_id"),
            updated_at=bindparam("updated_at"),
            **{column: bindparam(column)},
        )
        statement = _UPSERTS[(dialect_name, column)] = values.on_conflict_do_update(
            index_elements=[_TABLE.c.key_index],
            set_={
                column: values.excluded[column],
                "updated_at": values.excluded.updated_at,
                "account_id": func.coalesce(values.excluded.account_id, _TABLE.c.account_id),
            },
        )
    return statement


def storage_key_text(key: StorageKey) -> str:
    """A canonical, unambiguous text of every part of the StorageKey (hashed, never stored)."""
    parts = (
        key.bot_id,
        key.chat_id,
        key.user_id,
        key.thread_id,
        key.business_connection_id,
        key.destiny,
    )
    return "\x1f".join("" if part is None else f"{type(part).__name__}:{part}" for part in parts)


def fsm_key_index(crypto: FieldCrypto, key: StorageKey) -> bytes:
    return crypto.blind_index(FSM_STORAGE_KEY, storage_key_text(key))


def remember_row(session: AsyncSession, index: bytes, sealed: tuple[bytes | None, bytes | None] | None) -> None:
    """Record a row read elsewhere in this transaction (state and data as stored, or None: no row)."""
    rows = transaction_cache(session).fsm_rows
    rows[index] = None if sealed is None else {"state": sealed[0], "data": sealed[1]}


def forget_cached_rows(session: AsyncSession) -> None:
    """After deleting FSM rows behind the storage's back (shredding): read them again when asked."""
    transaction_cache(session).fsm_rows.clear()


class DatabaseFSMStorage(BaseStorage):
    def __init__(self, database: Database) -> None:
        self._database = database
        self._crypto = database.context.crypto
        self._system_key = database.context.system_key

    def key_index(self, key: StorageKey) -> bytes:
        return fsm_key_index(self._crypto, key)

    def key_index_within(self, uow: UnitOfWork, key: StorageKey) -> bytes | None:
        """The row key of `key` if this storage works inside `uow` (the open unit of work of its database), so
        that a row read by another query of `uow` (`AccountsRepository.find_member`) serves it; else None."""
        return self.key_index(key) if self._database.current_unit_of_work() is uow else None

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, "state", value)

    async def get_state(self, key: StorageKey) -> str | None:
        value = await self._read(key, "state")
        return None if value is None else str(value)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, "data", dict(data) if data else None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        value = await self._read(key, "data")
        return dict(value) if value else {}

    async def delete(self, keys: Iterable[StorageKey]) -> int:
        """Forget the conversation state of these keys; returns how many rows went."""
        indexes = [self.key_index(key) for key in keys]
        if not indexes:
            return 0
        async with self._session() as (session, _, rows):
            deleted = await session.scalars(
                delete(FsmStateRow).where(FsmStateRow.key_index.in_(indexes)).returning(FsmStateRow.key_index)
            )
            count = len(deleted.all())
            rows.update(dict.fromkeys(indexes))
            return count

    async def close(self) -> None:
        """Nothing to release: the Database owns the engine and is closed by its owner."""

    @asynccontextmanager
    async def _session(
        self, *, read_only: bool = False
    ) -> AsyncIterator[tuple[AsyncSession, UUID | None, dict[bytes, SealedRow | None]]]:
        """The unit of work's session, principal and row cache; outside one, a short transaction of its own."""
        uow = self._database.current_unit_of_work()
        if uow is not None:
            yield uow.session, uow.principal_id, transaction_cache(uow.session).fsm_rows
            return
        async with self._database.session_scope(read_only=read_only) as session:
            yield session, None, {}

    async def _row(self, session: AsyncSession, rows: dict[bytes, SealedRow | None], index: bytes) -> SealedRow | None:
        """The row's sealed columns, read (both at once) unless this transaction knows them already."""
        if index in rows:
            known = rows[index]
            if known is None or len(known) == len(COLUMNS):
                return known
        found = (await session.execute(_READ_ROW, {"key_index": index})).first()
        row = None if found is None else {"state": found.state, "data": found.data}
        rows[index] = row
        return row

    async def _read(self, key: StorageKey, column: str) -> Any:
        index = self.key_index(key)
        async with self._session(read_only=True) as (session, _, rows):
            row = await self._row(session, rows, index)
        sealed = None if row is None else row[column]
        return FSM_STATES.open_column(self._crypto, self._system_key, column, index, sealed)

    async def _write(self, key: StorageKey, column: str, value: Any) -> None:
        index = self.key_index(key)
        sealed = FSM_STATES.seal_column(self._crypto, self._system_key, column, index, value)
        now = self._database.context.clock.now()
        async with self._session() as (session, principal_id, rows):
            if sealed is None:
                await self._clear(session, rows, index, column, principal_id, now)
                return
            await session.execute(
                _upsert(session.get_bind().dialect.name, column),
                {"key_index": index, "account_id": principal_id, "updated_at": now, column: sealed},
            )
            known = rows.get(index)
            if known is None:
                # A new row has nothing in the other column; an existing one not read yet is still unknown.
                known = rows[index] = {OTHER_COLUMN[column]: None} if index in rows else {}
            known[column] = sealed

    async def _clear(
        self,
        session: AsyncSession,
        rows: dict[bytes, SealedRow | None],
        index: bytes,
        column: str,
        principal_id: UUID | None,
        now: datetime,
    ) -> None:
        """Empty one column; the row goes when the other one is empty too."""
        row = await self._row(session, rows, index)
        if row is None:
            return
        other = OTHER_COLUMN[column]
        if row.get(other) is None:
            deleted = await session.execute(
                delete(_TABLE).where(_TABLE.c.key_index == index, _TABLE.c[other].is_(None))
            )
            if cast(CursorResult[Any], deleted).rowcount:
                rows[index] = None
                return
            # Another transaction filled the other column since it was read: keep the row, empty this column.
            row.pop(other, None)
        values: dict[str, Any] = {column: None, "updated_at": now}
        if principal_id is not None:
            values["account_id"] = principal_id
        await session.execute(update(_TABLE).where(_TABLE.c.key_index == index).values(values))
        row[column] = None
