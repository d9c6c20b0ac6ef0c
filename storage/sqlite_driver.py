"""aiosqlite with one thread round trip per transaction's first statement and one per commit; none in between.

aiosqlite runs each SQLite connection on a thread of its own and every call on it (make a cursor, execute,
fetch, close the cursor, commit) is a trip to that thread and back through the event loop: a few dozen
microseconds each, several times what the statement itself costs. SQLAlchemy's adapter makes four trips per
statement. `LeanConnection` is an `aiosqlite.Connection` whose cursors execute, fetch every row and close
in one trip, and which sends a transaction's `BEGIN` together with its first statement (a transaction that
runs no statement costs no trip at all, and so does the pool's rollback of a connection with nothing open).
The SQLite calls, their order and the transactions are unchanged.

Inside a writing transaction a statement cannot wait for another connection: the transaction took the write
lock with its `BEGIN IMMEDIATE`. So those statements run at once on the event loop's thread (microseconds, no
trip). Everything else goes to the connection's thread, so the event loop never waits on a lock held
elsewhere or on a long read: the statement that carries the `BEGIN` (another process may hold the write lock:
the busy timeout waits there), the statements of a read-only transaction (an export or a staff listing may
read for a while, and readers hold no lock that others wait for), anything outside a transaction (PRAGMAs,
checkpoints, migrations) and a `COMMIT` that wrote (it may write the WAL back into the database file, with its
fsync). Why: every other writer of the process waits for a writing transaction anyway (one SQLite writer at a
time), and each trip cost more than its statement: a hand-off between two threads (the GIL) and a turn of a busy
event loop before the awaiting task resumes, with the write lock held all along, so under concurrent updates
the lock's queue grew with the event loop's. A slow statement inside a writing transaction now stalls the event
loop, where before it stalled every writer: keep writing transactions short (they are: one update's work).

SQLAlchemy's async adapter fetches every row of a statement right after executing it anyway (we use no
server-side cursors), so fetching them in the same trip changes no behaviour.

aiosqlite has no public way to run a function of ours on a connection's thread; `ConnectionThread` is the one
place that reaches into its internals for it (see its notes, and tests/storage/test_sqlite_driver_contract.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any, TypeVar

import aiosqlite

Description = tuple[tuple[Any, ...], ...] | None
Outcome = tuple[Description, int, int | None, list[Any]]
T = TypeVar("T")


class ConnectionThread:
    """The thread of an aiosqlite connection: run a function on it with the sqlite3 connection, in call order.

    The only code of ours that touches private members of aiosqlite. Why: its public calls each make one trip
    to the thread (`cursor()`, `execute`, `fetchall`, `close`, ...), and the speed-up above needs a whole
    statement (BEGIN, execute, fetch, close) in a single trip, which only its queue (`Connection._execute`,
    which keeps the order of calls) with the sqlite3 connection (`Connection._conn`) can do. `daemonize` marks
    its thread (`Connection._thread`) a daemon, as SQLAlchemy does for the aiosqlite connections it makes.
    These are internals any release may change, so aiosqlite is pinned to `PINNED_VERSION` (pyproject.toml)
    and tests/storage/test_sqlite_driver_contract.py fails on any other version and checks each member here.
    """

    PINNED_VERSION = "0.22.1"

    __slots__ = ("_connection",)

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    def daemonize(self) -> None:
        """Never keep the process alive for this thread (call before the connection starts)."""
        self._connection._thread.daemon = True

    def call(self, function: Callable[[sqlite3.Connection], T]) -> Awaitable[T]:
        """`function(the sqlite3 connection)` on the thread, after every call queued before it: await its result.

        Raises ValueError at once when the connection is closed.
        """
        connection = self._connection
        call: Awaitable[T] = connection._execute(partial(function, connection._conn))  # type: ignore[no-untyped-call]
        return call


def _run_statement(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool) -> Outcome:
    """The statement and all its rows."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class LeanCursor:
    """The DBAPI cursor SQLAlchemy's aiosqlite adapter drives: one trip per `execute`, rows kept here."""

    __slots__ = ("_connection", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, connection: LeanConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.arraysize = 1
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> LeanCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> LeanCursor:
        outcome = await self._connection.run_statement(sql, parameters, many=False)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> LeanCursor:
        outcome = await self._connection.run_statement(sql, parameters, many=True)
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def fetchall(self) -> list[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def close(self) -> None:
        self._rows = []


class LeanConnection(aiosqlite.Connection):
    """An aiosqlite connection (same thread, same queue) with `LeanCursor`s and a deferred BEGIN.

    Its own attributes are prefixed `_lean_` so that they cannot collide with aiosqlite's.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._lean_thread = ConnectionThread(self)
        self._lean_thread.daemonize()
        self._lean_pending_begin: str | None = None
        self._lean_changes_at_begin = 0  # rows this connection had changed when its transaction began
        self._lean_writing = False  # the open transaction began with BEGIN IMMEDIATE (holds the write lock)
        # Trips sent and trips the thread has finished. Each counter is written by one thread only; they
        # differ while a call is still running there, e.g. after the awaiting task was cancelled.
        self._lean_sent = 0
        self._lean_finished = 0

    def defer_begin(self, statement: str) -> None:
        """Start a transaction with `statement` ("BEGIN IMMEDIATE", "BEGIN") in the trip of the next statement.

        A BEGIN that fails (the write lock stayed busy past the busy timeout) fails that statement instead.
        """
        self._lean_pending_begin = statement

    async def run_statement(self, sql: str, parameters: Any, *, many: bool) -> Outcome:
        begin, self._lean_pending_begin = self._lean_pending_begin, None
        if begin is None and self._lean_writing and self._runs_inline():
            return _run_statement(self._conn, sql, parameters, many)
        return await self._run(partial(self._begin_and_run, begin, sql, parameters, many))

    def _begin_and_run(
        self, begin: str | None, sql: str, parameters: Any, many: bool, connection: sqlite3.Connection
    ) -> Outcome:
        """On the connection's thread: BEGIN if one is pending, then the statement."""
        if begin is not None:
            connection.execute(begin)
            self._lean_changes_at_begin = connection.total_changes
            self._lean_writing = begin.upper().startswith("BEGIN IMMEDIATE")
        return _run_statement(connection, sql, parameters, many)

    def _runs_inline(self) -> bool:
        """In a transaction, with no call running on the thread (which keeps the order)."""
        return self._lean_sent == self._lean_finished and self.in_transaction

    async def _run(self, function: Callable[[sqlite3.Connection], T]) -> T:
        """One trip to the connection's thread (aiosqlite's queue, so calls keep their order)."""
        call = self._lean_thread.call(partial(self._counted, function))
        self._lean_sent += 1
        return await call

    def _counted(self, function: Callable[[sqlite3.Connection], T], connection: sqlite3.Connection) -> T:
        try:
            return function(connection)
        finally:
            self._lean_finished += 1

    def _may_be_in_transaction(self) -> bool:
        """In a transaction, or a call still running on the thread might be opening one."""
        return self._lean_sent != self._lean_finished or self.in_transaction

    def cursor(self) -> LeanCursor:  # type: ignore[override]
        return LeanCursor(self)

    async def commit(self) -> None:
        """Commit on the thread; at once when the transaction changed no row (nothing to write or wait for)."""
        self._lean_pending_begin = None  # a transaction that ran nothing has nothing to commit
        self._lean_writing = False
        if self._runs_inline() and self._conn.total_changes == self._lean_changes_at_begin:
            self._conn.commit()
        elif self._may_be_in_transaction():
            await self._run(sqlite3.Connection.commit)

    async def rollback(self) -> None:
        """Roll back (never waits: at once); nothing to do when nothing is open (SQLAlchemy's pool resets every
        connection it gets back)."""
        self._lean_pending_begin = None
        self._lean_writing = False
        if self._runs_inline():
            self._conn.rollback()
        elif self._may_be_in_transaction():
            await self._run(sqlite3.Connection.rollback)


def lean_connector(database: str, **options: Any) -> Callable[[], Awaitable[LeanConnection]]:
    """An `async_creator` for `create_async_engine`: SQLite file `database`, `sqlite3.connect` options.

    The connection is used from two threads, never at once (see the module's notes): the thread runs what may
    wait, the event loop runs the statements inside a transaction while no call is running on the thread.
    """
    options.setdefault("check_same_thread", False)

    async def connect() -> LeanConnection:
        connection = LeanConnection(partial(sqlite3.connect, database, **options))
        await connection  # starts the thread and opens the file on it
        return connection

    return connect
