"""Data keys: created per account, unwrapped on demand, cached for one unit of work, destroyed on shred.

The system data key (`SYSTEM_KEY_NAME`) seals what has no account owner (FSM rows, audit reasons without a
subject). It is wrapped and rotated like every other data key; being never destroyed, its unwrapped form is
kept for the life of the process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.crypto.aead import DataKey
from storage.crypto.master import MasterKeyRing, UnwrapError
from storage.errors import DataKeyDestroyedError, DataKeyMissingError, MasterKeyMismatchError
from storage.models.accounts import DataKeyRow

SYSTEM_KEY_NAME = "system"
PRELOAD_CHUNK = 500


@dataclass(frozen=True)
class StoredKey:
    """A data_keys row as read for unwrapping."""

    id: UUID
    master_key_id: str
    wrapped_key: bytes | None


def unwrap_stored(master: MasterKeyRing, stored: StoredKey, owner: str) -> DataKey:
    if stored.wrapped_key is None:
        raise DataKeyDestroyedError(owner)
    try:
        return DataKey(stored.id, master.unwrap(stored.master_key_id, stored.id, bytes(stored.wrapped_key)))
    except UnwrapError:
        raise MasterKeyMismatchError(master.newest_id) from None


def account_owner(account_id: UUID) -> str:
    return f"account {account_id}"


class DataKeyRing:
    """The data keys one unit of work has used, unwrapped once each."""

    def __init__(self, session: AsyncSession, master: MasterKeyRing, system_key: DataKey) -> None:
        self._session = session
        self._master = master
        self._system_key = system_key
        self._accounts: dict[UUID, DataKey | None] = {}  # None: destroyed

    @property
    def system(self) -> DataKey:
        return self._system_key

    async def for_account(self, account_id: UUID) -> DataKey:
        if account_id not in self._accounts:
            await self.preload([account_id])
        key = self._accounts.get(account_id)
        if key is None:
            raise DataKeyDestroyedError(account_owner(account_id))
        return key

    async def usable_key(self, account_id: UUID) -> DataKey | None:
        """The account's key, or None when it was destroyed (for readers that tolerate shredded owners)."""
        try:
            return await self.for_account(account_id)
        except DataKeyDestroyedError:
            return None

    async def preload(self, account_ids: Iterable[UUID]) -> None:
        """Fetch and unwrap the keys of many accounts in few queries (lists, exports, matching)."""
        missing = list(dict.fromkeys(a for a in account_ids if a not in self._accounts))
        for start in range(0, len(missing), PRELOAD_CHUNK):
            chunk = missing[start : start + PRELOAD_CHUNK]
            result = await self._session.execute(
                select(DataKeyRow.account_id, DataKeyRow.id, DataKeyRow.master_key_id, DataKeyRow.wrapped_key).where(
                    DataKeyRow.account_id.in_(chunk)
                )
            )
            found: set[UUID] = set()
            for account_id, key_id, master_key_id, wrapped in result:
                assert account_id is not None
                found.add(account_id)
                self.remember(account_id, StoredKey(key_id, master_key_id, wrapped))
            for account_id in chunk:
                if account_id not in found:
                    raise DataKeyMissingError(account_owner(account_id))

    def remember(self, account_id: UUID, stored: StoredKey) -> None:
        """Unwrap and cache a key row the caller already fetched (e.g. joined to the account row)."""
        if account_id not in self._accounts:
            self._accounts[account_id] = (
                None if stored.wrapped_key is None else unwrap_stored(self._master, stored, account_owner(account_id))
            )

    def create_for_account(self, account_id: UUID, now: datetime) -> DataKey:
        """A new data key for a new account; its row is added to the session (flushed after the account)."""
        key = DataKey.generate(uuid4())
        self.register_for_account(account_id, key, now)
        return key

    def register_for_account(self, account_id: UUID, key: DataKey, now: datetime) -> None:
        """Wrap a freshly generated key under the newest master key and add its row to the session."""
        master_key_id, wrapped = self._master.wrap(key.key_id, key.secret)
        self._session.add(
            DataKeyRow(
                id=key.key_id,
                account_id=account_id,
                system_name=None,
                master_key_id=master_key_id,
                wrapped_key=wrapped,
                created_at=now,
            )
        )
        self._accounts[account_id] = key

    async def destroy(self, account_id: UUID, now: datetime) -> None:
        """Crypto-shred: forget the wrapped key for good; every ciphertext under it becomes noise."""
        await self._session.execute(
            update(DataKeyRow)
            .where(DataKeyRow.account_id == account_id, DataKeyRow.wrapped_key.is_not(None))
            .values(wrapped_key=None, destroyed_at=now)
            .execution_options(synchronize_session=False)
        )
        self._accounts[account_id] = None


async def load_or_create_system_key(connection: AsyncConnection, master: MasterKeyRing, now: datetime) -> DataKey:
    """The system data key, created on first start (concurrent starters agree through the unique name)."""
    stored = await _read_system_key(connection)
    if stored is None:
        key = DataKey.generate(uuid4())
        master_key_id, wrapped = master.wrap(key.key_id, key.secret)
        values = {
            "id": key.key_id,
            "account_id": None,
            "system_name": SYSTEM_KEY_NAME,
            "master_key_id": master_key_id,
            "wrapped_key": wrapped,
            "created_at": now,
        }
        insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        await connection.execute(
            insert(DataKeyRow).values(values).on_conflict_do_nothing(index_elements=["system_name"])
        )
        stored = await _read_system_key(connection)
        assert stored is not None
    return unwrap_stored(master, stored, "the system")


async def _read_system_key(connection: AsyncConnection) -> StoredKey | None:
    row = (
        await connection.execute(
            select(DataKeyRow.id, DataKeyRow.master_key_id, DataKeyRow.wrapped_key).where(
                DataKeyRow.system_name == SYSTEM_KEY_NAME
            )
        )
    ).first()
    return None if row is None else StoredKey(row.id, row.master_key_id, row.wrapped_key)


async def verify_master_keys(connection: AsyncConnection, master: MasterKeyRing) -> None:
    """Refuse master keys that cannot unwrap the stored data keys: one live key per master key id is tried.

    Reads only, so a refused start changes nothing.
    """
    master_ids = (
        await connection.execute(select(DataKeyRow.master_key_id).where(DataKeyRow.wrapped_key.is_not(None)).distinct())
    ).scalars()
    for master_key_id in list(master_ids):
        row = (
            await connection.execute(
                select(DataKeyRow.id, DataKeyRow.master_key_id, DataKeyRow.wrapped_key)
                .where(DataKeyRow.master_key_id == master_key_id, DataKeyRow.wrapped_key.is_not(None))
                .order_by(DataKeyRow.system_name.is_(None), DataKeyRow.id)
                .limit(1)
            )
        ).one()
        unwrap_stored(master, StoredKey(row.id, row.master_key_id, row.wrapped_key), "a stored key")
