"""aiogram FSM storage in the database: conversation state survives restarts and is shared by instances.

- The row key is an HMAC of the aiogram StorageKey (which holds Telegram chat and user ids), never the key.
- State and data are sealed under the system data key (rotated with the others), bound to the row key.
- Inside a unit of work (the update's transaction) reads and writes join it, so the state commits or rolls
  back together with what the handler wrote, and SQLite never sees two writers from one update. Outside
  one, each call is a short transaction of its own.
- Rows written in a unit of work with a `principal_id` carry that account id, and crypto-shredding the
  account deletes them. Rows can also be deleted by StorageKey with `delete`.
- Writes are upserts: no in-memory state, safe across processes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto.blind_index import FSM_STORAGE_KEY
from storage.models.fsm import FsmStateRow
from storage.records import ConversationState
from storage.sealing import FieldCrypto, RecordSpec

if TYPE_CHECKING:
    from storage.database import Database

FSM_STATES = RecordSpec(FsmStateRow, ConversationState, row_id="key_index")


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


class DatabaseFSMStorage(BaseStorage):
    def __init__(self, database: Database) -> None:
        self._database = database
        self._crypto = database.context.crypto
        self._system_key = database.context.system_key

    def key_index(self, key: StorageKey) -> bytes:
        return fsm_key_index(self._crypto, key)

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
        async with self._session(read_only=False) as (session, _):
            rows = await session.scalars(
                delete(FsmStateRow).where(FsmStateRow.key_index.in_(indexes)).returning(FsmStateRow.key_index)
            )
            return len(rows.all())

    async def close(self) -> None:
        """Nothing to release: the Database owns the engine and is closed by its owner."""

    @asynccontextmanager
    async def _session(self, *, read_only: bool) -> AsyncIterator[tuple[AsyncSession, UUID | None]]:
        uow = self._database.current_unit_of_work()
        if uow is not None:
            yield uow.session, uow.principal_id
            return
        async with self._database.session_scope(read_only=read_only) as session:
            yield session, None

    async def _read(self, key: StorageKey, column: str) -> Any:
        index = self.key_index(key)
        async with self._session(read_only=True) as (session, _):
            sealed = await session.scalar(select(getattr(FsmStateRow, column)).where(FsmStateRow.key_index == index))
        return FSM_STATES.open_column(self._crypto, self._system_key, column, index, sealed)

    async def _write(self, key: StorageKey, column: str, value: Any) -> None:
        index = self.key_index(key)
        sealed = FSM_STATES.seal_column(self._crypto, self._system_key, column, index, value)
        now = self._database.context.clock.now()
        async with self._session(read_only=False) as (session, principal_id):
            if sealed is None:
                exists = await session.scalar(select(FsmStateRow.key_index).where(FsmStateRow.key_index == index))
                if exists is None:
                    return
            insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            statement = insert(FsmStateRow).values(
                key_index=index, account_id=principal_id, updated_at=now, **{column: sealed}
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[FsmStateRow.key_index],
                    set_={
                        column: statement.excluded[column],
                        "updated_at": statement.excluded.updated_at,
                        "account_id": func.coalesce(statement.excluded.account_id, FsmStateRow.account_id),
                    },
                )
            )
            await session.execute(
                delete(FsmStateRow).where(
                    and_(FsmStateRow.key_index == index, FsmStateRow.state.is_(None), FsmStateRow.data.is_(None))
                )
            )
