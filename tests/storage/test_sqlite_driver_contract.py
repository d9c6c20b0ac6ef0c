"""The contract storage/sqlite_driver.py keeps with aiosqlite's internals (see `ConnectionThread`).

It reaches into private members of aiosqlite, so aiosqlite is pinned to one version. These tests fail on any
other version (read it, check `ConnectionThread` against the new release, then raise the pin in pyproject.toml
and `ConnectionThread.PINNED_VERSION` together), and check that each member it relies on is there and does
what it needs: run functions on the connection's thread in order, a statement in one trip, a deferred BEGIN,
commit and rollback.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import inspect
import sqlite3
import threading
import tomllib
from collections.abc import AsyncIterator
from contextlib import closing
from functools import partial
from pathlib import Path

import aiosqlite
import pytest

from storage.sqlite_driver import ConnectionThread, LeanConnection, lean_connector

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
PINNED = ConnectionThread.PINNED_VERSION


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    return tmp_path / "lean.db"


@pytest.fixture
async def connection(database_file: Path) -> AsyncIterator[LeanConnection]:
    """A lean connection in autocommit mode, as the engine configures it (SQLAlchemy sends BEGIN itself)."""
    opened = await lean_connector(str(database_file), isolation_level=None, timeout=0)()
    try:
        yield opened
    finally:
        await opened.close()


def test_the_installed_aiosqlite_is_the_pinned_version() -> None:
    assert importlib.metadata.version("aiosqlite") == PINNED, (
        "storage/sqlite_driver.py relies on aiosqlite internals checked against " + PINNED
    )


def test_pyproject_pins_that_version() -> None:
    dependencies = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    assert f"aiosqlite=={PINNED}" in dependencies


def test_the_private_members_are_there() -> None:
    assert inspect.iscoroutinefunction(aiosqlite.Connection._execute)
    assert isinstance(inspect.getattr_static(aiosqlite.Connection, "_conn"), property)
    unopened = aiosqlite.Connection(lambda: sqlite3.connect(":memory:"), iter_chunk_size=64)
    assert isinstance(unopened._thread, threading.Thread) and not unopened._thread.is_alive()
    assert not [name for name in vars(unopened) if name.startswith("_lean_")]  # ours cannot collide


async def test_the_thread_is_a_daemon_and_runs_calls_in_order(connection: LeanConnection) -> None:
    assert connection._thread.daemon
    thread = ConnectionThread(connection)
    order: list[int] = []

    def note(number: int, sqlite: sqlite3.Connection) -> int:
        assert isinstance(sqlite, sqlite3.Connection)
        order.append(number)
        return threading.get_ident()

    idents = await asyncio.gather(*(thread.call(partial(note, number)) for number in range(20)))
    assert order == list(range(20))
    assert set(idents) == {connection._thread.ident} and threading.get_ident() not in idents


async def test_a_statement_is_one_call_with_its_rows(connection: LeanConnection) -> None:
    cursor = connection.cursor()
    await cursor.execute("CREATE TABLE t (x INTEGER)")
    await cursor.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), (3,)])
    assert cursor.rowcount == 3
    await cursor.execute("SELECT x, x * 10 FROM t WHERE x > ? ORDER BY x", (1,))
    assert cursor.description is not None and [column[0] for column in cursor.description] == ["x", "x * 10"]
    assert await cursor.fetchone() == (2, 20)
    assert await cursor.fetchall() == [(3, 30)]
    assert await cursor.fetchall() == []


async def test_begin_waits_for_the_first_statement(connection: LeanConnection, database_file: Path) -> None:
    cursor = connection.cursor()
    await cursor.execute("CREATE TABLE t (x INTEGER)")
    connection.defer_begin("BEGIN IMMEDIATE")
    assert not connection.in_transaction
    await connection.commit()  # nothing ran: nothing to commit, and the pending BEGIN is dropped
    await cursor.execute("SELECT 1")
    assert not connection.in_transaction

    connection.defer_begin("BEGIN IMMEDIATE")
    await cursor.execute("INSERT INTO t VALUES (1)")
    assert connection.in_transaction
    with closing(sqlite3.connect(database_file, timeout=0, isolation_level=None)) as other:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")  # the write lock was taken up front
        await connection.rollback()
        assert not connection.in_transaction
        assert other.execute("SELECT count(*) FROM t").fetchone() == (0,)

        connection.defer_begin("BEGIN")
        await cursor.execute("INSERT INTO t VALUES (2)")
        await connection.commit()
        assert not connection.in_transaction
        assert other.execute("SELECT x FROM t").fetchall() == [(2,)]


async def test_a_begin_that_cannot_lock_fails_its_statement(connection: LeanConnection, database_file: Path) -> None:
    cursor = connection.cursor()
    await cursor.execute("CREATE TABLE t (x INTEGER)")
    with closing(sqlite3.connect(database_file, timeout=0, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")
        connection.defer_begin("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await cursor.execute("INSERT INTO t VALUES (1)")
        assert not connection.in_transaction
        await connection.rollback()  # nothing open: nothing to do
        other.execute("ROLLBACK")
    await cursor.execute("SELECT count(*) FROM t")
    assert await cursor.fetchall() == [(0,)]


async def test_a_closed_connection_refuses_calls(database_file: Path) -> None:
    connection = await lean_connector(str(database_file))()
    await connection.close()
    with pytest.raises(ValueError, match="no active connection"):
        ConnectionThread(connection).call(lambda sqlite: sqlite.execute("SELECT 1"))


def _trace_threads(connection: LeanConnection) -> list[tuple[str, str]]:
    """Each SQL statement the connection runs from now on, with where it ran: "loop" or "thread"."""
    loop_thread = threading.get_ident()
    seen: list[tuple[str, str]] = []
    connection._conn.set_trace_callback(
        lambda sql: seen.append((sql.split()[0].upper(), "loop" if threading.get_ident() == loop_thread else "thread"))
    )
    return seen


async def test_inside_a_transaction_statements_run_at_once_and_what_may_wait_on_the_thread(
    connection: LeanConnection,
) -> None:
    cursor = connection.cursor()
    await cursor.execute("CREATE TABLE t (x INTEGER)")
    seen = _trace_threads(connection)

    connection.defer_begin("BEGIN IMMEDIATE")
    await cursor.execute("INSERT INTO t VALUES (1)")
    await cursor.execute("INSERT INTO t VALUES (2)")
    await cursor.execute("SELECT count(*) FROM t")
    assert await cursor.fetchall() == [(2,)]
    await connection.commit()
    assert seen == [
        ("BEGIN", "thread"),  # may wait for another process's write lock
        ("INSERT", "thread"),  # sent in the BEGIN's trip
        ("INSERT", "loop"),
        ("SELECT", "loop"),
        ("COMMIT", "thread"),  # writes the WAL, may checkpoint
    ]

    seen.clear()
    connection.defer_begin("BEGIN")
    await cursor.execute("SELECT count(*) FROM t")
    await cursor.execute("SELECT max(x) FROM t")
    await connection.commit()
    # a reading transaction reads on the thread (a long read never stops the loop); its commit waits for nothing
    assert seen == [("BEGIN", "thread"), ("SELECT", "thread"), ("SELECT", "thread"), ("COMMIT", "loop")]

    seen.clear()
    connection.defer_begin("BEGIN IMMEDIATE")
    await cursor.execute("INSERT INTO t VALUES (3)")
    await cursor.execute("DELETE FROM t WHERE x = 3")
    await connection.rollback()
    assert seen == [("BEGIN", "thread"), ("INSERT", "thread"), ("DELETE", "loop"), ("ROLLBACK", "loop")]
    await cursor.execute("SELECT count(*) FROM t")  # outside a transaction: on the thread
    assert await cursor.fetchall() == [(2,)] and seen[-1] == ("SELECT", "thread")


async def test_a_writer_waiting_for_another_process_does_not_stop_the_event_loop(database_file: Path) -> None:
    connection = await lean_connector(str(database_file), isolation_level=None, timeout=30)()
    try:
        cursor = connection.cursor()
        await cursor.execute("CREATE TABLE t (x INTEGER)")
        with closing(sqlite3.connect(database_file, timeout=0, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
            connection.defer_begin("BEGIN IMMEDIATE")
            writing = asyncio.ensure_future(cursor.execute("INSERT INTO t VALUES (1)"))
            for _ in range(50):  # the loop keeps turning while the writer waits on its thread (30 s timeout)
                await asyncio.sleep(0)
            assert not writing.done()
            other.execute("ROLLBACK")
            await writing
        await connection.commit()
        await cursor.execute("SELECT x FROM t")
        assert await cursor.fetchall() == [(1,)]
    finally:
        await connection.close()
