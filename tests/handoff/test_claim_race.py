"""Two counselors claiming at the same instant: exactly one wins, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from uuid import UUID

from domain.clock import FakeClock
from domain.handoff import HandoffReason, HandoffState
from storage.database import Database
from storage.privacy_ops import shred_account


async def _claim(
    database: Database, handoff_id: UUID, counselor_id: UUID, start: asyncio.Event, clock: FakeClock
) -> bool:
    async with database.unit_of_work() as uow:
        await start.wait()
        won = await uow.handoffs.claim(handoff_id, counselor_id, now=clock.now())
        await asyncio.sleep(0)  # let the other transaction try while this one is still open
        return won


async def test_the_first_claim_wins(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        client, _ = await uow.accounts.get_or_create("telegram", "1", locale="en", now=clock.now())
        cora, _ = await uow.accounts.get_or_create("telegram", "2", locale="en", now=clock.now())
        dan, _ = await uow.accounts.get_or_create("telegram", "3", locale="en", now=clock.now())
        handoff = await uow.handoffs.open(client.id, HandoffReason.ASKED, now=clock.now())

    start = asyncio.Event()
    claims = asyncio.gather(
        _claim(database, handoff.id, cora.id, start, clock), _claim(database, handoff.id, dan.id, start, clock)
    )
    start.set()
    results = await claims
    assert sorted(results) == [False, True]

    async with database.unit_of_work(read_only=True) as uow:
        stored = await uow.handoffs.get(handoff.id)
    assert stored is not None and stored.state is HandoffState.CLAIMED
    assert stored.counselor_id == (cora.id if results[0] else dan.id)


async def test_a_rating_counts_once_and_only_for_the_client(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        client, _ = await uow.accounts.get_or_create("telegram", "1", locale="en", now=clock.now())
        other, _ = await uow.accounts.get_or_create("telegram", "2", locale="en", now=clock.now())
        handoff = await uow.handoffs.open(client.id, HandoffReason.ASKED, now=clock.now())
        assert not await uow.handoffs.rate(handoff.id, client.id, 5, now=clock.now())  # not closed yet
        assert await uow.handoffs.close(handoff.id, now=clock.now())
        assert not await uow.handoffs.close(handoff.id, now=clock.now())
        assert not await uow.handoffs.rate(handoff.id, other.id, 1, now=clock.now())
        assert await uow.handoffs.rate(handoff.id, client.id, 5, now=clock.now())
        assert not await uow.handoffs.rate(handoff.id, client.id, 1, now=clock.now())
        stored = await uow.handoffs.get(handoff.id)
    assert stored is not None and stored.rating == 5


async def test_shredding_the_client_removes_the_transcript(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        client, _ = await uow.accounts.get_or_create("telegram", "1", locale="en", now=clock.now())
        cora, _ = await uow.accounts.get_or_create("telegram", "2", locale="en", now=clock.now())
        handoff = await uow.handoffs.open(client.id, HandoffReason.ASKED, now=clock.now())
        await uow.handoffs.claim(handoff.id, cora.id, now=clock.now())
        await uow.handoffs.add_line(
            handoff.id, client.id, from_client=True, author_id=client.id, text="hi", now=clock.now()
        )
    async with database.unit_of_work() as uow:
        await shred_account(uow, client.id, clock.now())
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.handoffs.get(handoff.id) is None
        assert await uow.handoffs.transcript(handoff.id) == []
