"""One user's updates run one at a time, in one instance and across instances; other users' do not wait.

Each test holds the first update's transaction open (its handler waits on a future the test releases) and
proves the second update is waiting before it lets the first go:
- in one instance, at aiogram's events isolation (an asyncio lock per user), before its transaction began;
- in another instance on PostgreSQL, at the user's advisory lock (PostgreSQL lists it as a lock not granted);
- in another instance on SQLite, at the write lock the first transaction holds (every write transaction begins
  with BEGIN IMMEDIATE, so SQLite runs one writer at a time: there, different users wait for each other too).
The user-visible result: both updates counted, the second one seeing the first's count.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from sqlalchemy import text

from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.keys import KeyMaterial
from tests.db_fixtures import _postgres_engine, postgres_url
from tests.delivery.conftest import eventually
from tests.runtime.isolation_instances import CountingHandler, Instance, count_update, settle, two_instances

ALICE = 5101
BOB = 5202


@pytest.fixture
def handler() -> CountingHandler:
    return CountingHandler()


@pytest.fixture
async def instances(
    database_url: str, key_material: KeyMaterial, settings: Settings, clock: FakeClock, handler: CountingHandler
) -> AsyncIterator[tuple[Instance, Instance]]:
    async with two_instances(database_url, key_material, settings, clock, handler) as pair:
        yield pair


async def _waiting_advisory_locks() -> int:
    engine = _postgres_engine(postgres_url())
    try:
        async with engine.connect() as connection:
            waiting = await connection.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
    finally:
        await engine.dispose()
    return int(waiting or 0)


def _sqlite_write_lock_is_held(url: str) -> bool:
    """True when some transaction holds the SQLite file's write lock (a new writer is refused at once)."""
    connection = sqlite3.connect(Path(url.split(":///", 1)[1]), timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    else:
        connection.execute("ROLLBACK")
        return False
    finally:
        connection.close()


async def _prove_waiting_in_the_database(database_url: str, second: Instance) -> None:
    """The second instance's update sent its first statement and cannot get past it."""
    await asyncio.wait_for(second.reached.wait(), 10)
    if database_url.startswith("postgresql"):
        assert "pg_advisory_xact_lock" in second.statements[0]

        async def waiting() -> bool:
            return await _waiting_advisory_locks() >= 1

        await eventually(waiting, within=10, step=0.01)
    else:
        assert _sqlite_write_lock_is_held(database_url)


async def test_the_same_users_update_at_another_instance_waits_for_the_first_ones_commit(
    instances: tuple[Instance, Instance], handler: CountingHandler, database_url: str
) -> None:
    one, two = instances
    release = handler.gate("first")
    first = one.start(count_update(ALICE, "first"))
    await asyncio.wait_for(handler.started["first"].wait(), 10)

    second = two.start(count_update(ALICE, "second"))
    await _prove_waiting_in_the_database(database_url, two)
    assert "second started" not in handler.timeline

    release.set_result(None)
    await settle([first, second])

    assert handler.timeline == [
        "first started",
        "first read 0",
        "first finished",
        "second started",
        "second read 1",
        "second finished",
    ]
    assert await two.count(ALICE) == 2


async def test_different_users_at_two_instances_do_not_wait_for_each_other(
    instances: tuple[Instance, Instance], handler: CountingHandler, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one write transaction at a time, whoever it is for")
    one, two = instances
    release = handler.gate("alice")
    alice = one.start(count_update(ALICE, "alice"))
    await asyncio.wait_for(handler.started["alice"].wait(), 10)

    await settle([two.start(count_update(BOB, "bob"))])  # while Alice's transaction is still open

    assert handler.timeline[-1] == "bob finished"
    assert "alice finished" not in handler.timeline
    release.set_result(None)
    await settle([alice])
    assert (await one.count(ALICE), await one.count(BOB)) == (1, 1)


class WatchedIsolation(BaseEventIsolation):
    """Delegates to the Dispatcher's isolation and tells the test when an update asks for a key's lock."""

    def __init__(self, inner: BaseEventIsolation) -> None:
        self.inner = inner
        self.asked: list[StorageKey] = []
        self.held: list[StorageKey] = []
        self.asked_again = asyncio.Event()

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        if key in self.asked:
            self.asked_again.set()
        self.asked.append(key)
        async with self.inner.lock(key):
            self.held.append(key)
            yield

    async def close(self) -> None:
        await self.inner.close()


async def test_the_same_users_second_update_in_one_instance_waits_before_its_transaction(
    instances: tuple[Instance, Instance], handler: CountingHandler
) -> None:
    one, _ = instances
    watched = WatchedIsolation(one.dispatcher.fsm.events_isolation)
    one.dispatcher.fsm.events_isolation = watched
    release = handler.gate("first")
    first = one.start(count_update(ALICE, "first"))
    await asyncio.wait_for(handler.started["first"].wait(), 10)
    one.reached.clear()

    second = one.start(count_update(ALICE, "second"))
    await asyncio.wait_for(watched.asked_again.wait(), 10)  # it asked for Alice's lock, which "first" holds
    for _ in range(20):
        await asyncio.sleep(0)  # let it run as far as it can: not past the lock
    assert len(watched.held) == 1  # "first" holds it; "second" is queued on it
    assert "second started" not in handler.timeline
    assert not one.reached.is_set()  # no statement yet: it waits before its transaction, holding no connection

    release.set_result(None)
    await settle([first, second])
    assert handler.timeline[-3:] == ["second started", "second read 1", "second finished"]
    assert await one.count(ALICE) == 2


async def test_different_users_in_one_instance_run_at_the_same_time(
    instances: tuple[Instance, Instance], handler: CountingHandler, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one write transaction at a time, whoever it is for")
    one, _ = instances
    release = handler.gate("alice")
    alice = one.start(count_update(ALICE, "alice"))
    await asyncio.wait_for(handler.started["alice"].wait(), 10)

    await settle([one.start(count_update(BOB, "bob"))])

    assert "alice finished" not in handler.timeline
    release.set_result(None)
    await settle([alice])
    assert (await one.count(ALICE), await one.count(BOB)) == (1, 1)
