"""The database: opened once per process, checked before anything is written, migrated, then shared.

database = await Database.open(settings.effective_database_url, keys)
async with database.unit_of_work() as uow:       # one transaction
    account = await uow.accounts.find_by_external("telegram", str(user.id))
await database.close()
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.clock import Clock, SystemClock
from storage.crypto.aead import AesGcmFieldCipher, FieldCipher
from storage.crypto.blind_index import BlindIndexer
from storage.crypto.master import MasterKeyRing
from storage.data_keys import load_or_create_system_key, verify_master_keys
from storage.engine import READ_ONLY_OPTIONS, create_engine
from storage.errors import SchemaNotCurrentError
from storage.keys import KeyMaterial
from storage.migrate import check_known_revision, head_revision, upgrade_connection
from storage.sealing import FieldCrypto
from storage.session import UnitSession
from storage.unit_of_work import StorageContext, UnitOfWork

if TYPE_CHECKING:
    from storage.fsm import DatabaseFSMStorage

logger = logging.getLogger(__name__)

# Writing transactions one process runs at once on PostgreSQL by default (the rest queue, in turn): the best
# latency in bench/bench_latency.py with the server on the same machine (docs/architecture.md).
POSTGRES_WRITERS = 2

_current_unit_of_work: ContextVar[UnitOfWork | None] = ContextVar("yuelao_unit_of_work", default=None)


class Database:
    """The engine, the session factory and the key context of one database."""

    def __init__(self, engine: AsyncEngine, context: StorageContext, *, writers: int = POSTGRES_WRITERS) -> None:
        self.engine = engine
        self.session_factory = async_sessionmaker(engine, expire_on_commit=False, sync_session_class=UnitSession)
        self.context = context
        self._fsm_storage: DatabaseFSMStorage | None = None
        # Writing transactions of this process take turns here, first come first served (`_writing`).
        # SQLite has one writer at a time. Its busy handler makes a waiting writer sleep and retry (1, 2, 5 ... up
        # to 100 ms apart), so under load writers wait far longer than the lock is held, and not in turn; other
        # processes still meet the busy timeout.
        # PostgreSQL takes many writers at once, but this process has one event loop: transactions running side
        # by side share its CPU, so a burst of them (a getUpdates batch) all finish as late as the last would,
        # where a few at a time finish the first ones first, with the server's round trips still overlapped.
        # `writers` is their number on PostgreSQL; each waits for the server about nine times (ping, BEGIN,
        # statements, COMMIT), so with the server on another host more of them keep the event loop busy.
        self._writers = asyncio.Semaphore(1 if engine.dialect.name == "sqlite" else writers)

    @classmethod
    async def open(
        cls,
        url: str,
        keys: KeyMaterial,
        *,
        migrate: bool = True,
        clock: Clock | None = None,
        field_cipher: FieldCipher | None = None,
        pool_size: int | None = None,
        writers: int = POSTGRES_WRITERS,
    ) -> Database:
        """Connect, refuse what cannot work, migrate, and make sure the system data key exists.

        Refusals happen before anything is written: `SchemaTooNewError` (written by a newer version),
        `MasterKeyMismatchError` (the keys cannot unwrap the stored data keys), `SchemaNotCurrentError`
        (behind the code and `migrate=False`). SQLite files get their directory created. `pool_size`: the
        connections kept open (`storage.engine.create_engine`). `writers`: the writing transactions run at once on
        PostgreSQL (the others wait in turn; SQLite: one). `field_cipher` exists for benchmarks only.
        """
        clock = clock or SystemClock()
        master = MasterKeyRing(keys.master_keys)
        engine = create_engine(url, pool_size=pool_size)
        try:
            async with engine.connect() as connection:
                await connection.execution_options(**READ_ONLY_OPTIONS)
                revision = await check_known_revision(connection)
                if revision is not None:
                    await verify_master_keys(connection, master)
            head = head_revision()
            if revision != head:
                if not migrate:
                    raise SchemaNotCurrentError(revision, head)
                async with engine.begin() as connection:
                    await upgrade_connection(connection)
                logger.info("Database schema migrated to %s", head)
            async with engine.begin() as connection:
                system_key = await load_or_create_system_key(connection, master, clock.now())
        except BaseException:
            await engine.dispose()
            raise
        crypto = FieldCrypto(field_cipher or AesGcmFieldCipher(), BlindIndexer(keys.blind_index_key))
        return cls(engine, StorageContext(crypto, master, system_key, clock), writers=writers)

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(
        self, *, principal_id: UUID | None = None, read_only: bool = False
    ) -> AsyncIterator[UnitOfWork]:
        """One transaction: committed when the block ends normally, rolled back when it raises.

        `principal_id`: the account the update is for, if known (tags FSM rows for shredding).
        `read_only`: for units that only read; on SQLite they then do not take the write lock.
        Do not nest units of work: on SQLite the inner one would wait for the outer one's lock.
        """
        async with self._writing(read_only), self.session_factory() as session:
            uow = UnitOfWork(session, self.context, principal_id=principal_id)
            token = _current_unit_of_work.set(uow)
            try:
                async with session.begin():
                    if read_only:
                        await session.connection(execution_options=READ_ONLY_OPTIONS)
                    yield uow
            finally:
                _current_unit_of_work.reset(token)
        if uow.shredded and self.dialect_name == "sqlite":
            await self.checkpoint()

    @asynccontextmanager
    async def _writing(self, read_only: bool) -> AsyncIterator[None]:
        """A writing transaction waits for its turn among this process's writers (see __init__). Not within a unit
        of work already open in this task: that one holds the turn (nesting is a mistake anyway)."""
        if read_only or self.current_unit_of_work() is not None:
            yield
            return
        async with self._writers:
            yield

    def current_unit_of_work(self) -> UnitOfWork | None:
        """The unit of work open in this task (the FSM storage joins it), if any."""
        uow = _current_unit_of_work.get()
        if uow is None or uow.context is not self.context:
            return None
        return uow

    @asynccontextmanager
    async def session_scope(self, *, read_only: bool) -> AsyncIterator[AsyncSession]:
        """A short transaction of its own (for the FSM storage outside a unit of work)."""
        async with self._writing(read_only), self.session_factory() as session, session.begin():
            if read_only:
                await session.connection(execution_options=READ_ONLY_OPTIONS)
            yield session

    def fsm_storage(self) -> DatabaseFSMStorage:
        """The aiogram FSM storage on this database (one per database)."""
        from storage.fsm import DatabaseFSMStorage

        if self._fsm_storage is None:
            self._fsm_storage = DatabaseFSMStorage(self)
        return self._fsm_storage

    async def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and truncate it, so deleted data leaves the WAL."""
        if self.dialect_name != "sqlite":
            return
        async with self.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            busy, _, _ = (await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))).one()
            if busy:
                logger.info("WAL checkpoint postponed: readers are active")

    async def close(self) -> None:
        await self.engine.dispose()
