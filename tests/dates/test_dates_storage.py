"""Dates and date feedback in the database (SQLite and PostgreSQL): conditional changes that happen once
even when both people press at the same moment, sealed free text, and deletion with either person."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from domain.clock import FakeClock
from domain.dates import DateState
from storage.database import Database
from storage.privacy_ops import shred_account
from storage.repositories.dates import DateRecord
from storage.unit_of_work import UnitOfWork
from tests.db_fixtures import RawContents

VENUE = "The little tea house behind Jing'an Temple"
REASON = "My grandmother is in hospital"
COMMENT = "He was lovely but talked about crypto all evening"


async def _client(uow: UnitOfWork, clock: FakeClock, number: int) -> UUID:
    account = await uow.accounts.create("telegram", str(9_000 + number), locale="en", now=clock.now())
    await uow.profiles.create(account.id, now=clock.now())
    return account.id


async def _proposed(database: Database, clock: FakeClock) -> tuple[UUID, UUID, DateRecord]:
    now = clock.now()
    async with database.unit_of_work() as uow:
        ann, bob = await _client(uow, clock, 0), await _client(uow, clock, 1)
        introduction = await uow.introductions.create(ann, bob, now=now)
        slots = [now + timedelta(days=2), now + timedelta(days=3)]
        record = await uow.dates.propose(
            introduction_id=introduction.id,
            first_id=introduction.first_id,
            second_id=introduction.second_id,
            proposer=ann,
            slots=slots,
            venue_code=None,
            venue_text=VENUE,
            now=now,
        )
    return ann, bob, record


async def test_a_proposal_is_accepted_once_when_both_press_at_the_same_moment(
    database: Database, clock: FakeClock
) -> None:
    ann, _bob, record = await _proposed(database, clock)
    assert record.venue_text == VENUE and record.state is DateState.PROPOSED and record.round == 1

    async def accept(slot: int) -> DateRecord | None:
        async with database.unit_of_work() as uow:
            return await uow.dates.accept(record, 1, record.slots[slot], clock.now())

    async def withdraw() -> DateRecord | None:
        async with database.unit_of_work() as uow:
            return await uow.dates.withdraw(record, 1, ann, clock.now())

    results = await asyncio.gather(accept(0), accept(1), withdraw())
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    async with database.unit_of_work(read_only=True) as uow:
        stored = await uow.dates.get(record.id)
        assert stored == winners[0]
        # A stale round changes nothing either.
        assert await uow.dates.accept(record, 1, record.slots[0], clock.now()) is None


async def test_counter_proposals_move_the_round_and_reseal_the_venue(database: Database, clock: FakeClock) -> None:
    ann, bob, record = await _proposed(database, clock)
    later = [clock.now() + timedelta(days=5)]
    async with database.unit_of_work() as uow:
        countered = await uow.dates.repropose(
            record, proposer=bob, slots=later, venue_code="310000.museum", venue_text=None, now=clock.now()
        )
        assert countered is not None
        assert (countered.round, countered.proposed_by, countered.slots) == (2, bob, tuple(later))
        assert (countered.venue_code, countered.venue_text) == ("310000.museum", None)
        assert (
            await uow.dates.repropose(  # the same old round again: refused
                record, proposer=bob, slots=later, venue_code=None, venue_text=None, now=clock.now()
            )
            is None
        )
        confirmed = await uow.dates.accept(countered, 2, later[0], clock.now())
        assert confirmed is not None and confirmed.starts_at == later[0]
        assert await uow.dates.busy_times([ann]) == [later[0]]
        assert await uow.dates.busy_times([bob], except_date=record.id) == []


async def test_free_text_is_sealed_and_gone_with_either_person(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    ann, bob, record = await _proposed(database, clock)
    async with database.unit_of_work() as uow:
        confirmed = await uow.dates.accept(record, 1, record.slots[0], clock.now())
        assert confirmed is not None
        feedback = await uow.dates.ask_feedback(confirmed, bob, clock.now())
        assert await uow.dates.answer(feedback, rating=4, comment=COMMENT)
        cancelled = await uow.dates.cancel(confirmed, ann, reason=REASON, late=True, now=clock.now())
        assert cancelled is not None and cancelled.state is DateState.CANCELLED
        assert (cancelled.reason, cancelled.late_cancellation, cancelled.venue_text) == (REASON, True, VENUE)
    async with database.unit_of_work(read_only=True) as uow:
        stored = await uow.dates.feedback(record.id, bob)
        assert stored is not None and (stored.rating, stored.comment, stored.about_id) == (4, COMMENT, ann)
    raw = await raw_contents()
    for secret in (VENUE, REASON, COMMENT):
        assert secret.encode() not in raw

    async with database.unit_of_work() as uow:
        await shred_account(uow, bob, clock.now())
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.dates.list_for(ann) == []
        assert await uow.dates.feedback_on(record.id) == []
