"""Events and sign-ups in the database (SQLite and PostgreSQL): the last seat taken by two people at once goes
to one of them, a freed seat goes to the longest waiting of that side, deleting a client removes their
sign-ups."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select

from domain.clock import FakeClock
from domain.events import Capacity, EventSpec, EventState, Side, SignupState
from storage.database import Database
from storage.models.events import EventSignupRow
from storage.privacy_ops import export_account, shred_account
from storage.repositories.events import EventRecord, EventsRepository, SignupRecord
from tests.db_fixtures import RawContents

STARTS = datetime(2026, 1, 20, 11, 0, tzinfo=UTC)


def spec(capacity: Capacity) -> EventSpec:
    return EventSpec(
        title_en="Wine salon",
        title_zh="品酒交友沙龙",
        about_en="An evening of wine.",
        about_zh="一起品酒。",
        venue_code=None,
        venue_text="The Bund, No. 3",
        region_code="310000",
        starts_at=STARTS,
        capacity=capacity,
        age_min=25,
        age_max=35,
        tiers=frozenset({"basic", "premium"}),
        prices={"premium": Decimal("99.00")},
        deadline=STARTS - timedelta(days=1),
    )


async def _account(database: Database, clock: FakeClock, number: int) -> UUID:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", str(7_700 + number), locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
    return account.id


async def _event(database: Database, clock: FakeClock, capacity: Capacity) -> EventRecord:
    organiser = await _account(database, clock, 99)
    async with database.unit_of_work() as uow:
        return await EventsRepository.of(uow).create(
            spec(capacity), created_by=organiser, currency="CNY", now=clock.now()
        )


async def _sign_up(database: Database, clock: FakeClock, event: EventRecord, client: UUID, side: Side) -> SignupRecord:
    async with database.unit_of_work() as uow:
        signup = await EventsRepository.of(uow).sign_up(event, client, side=side, tier="basic", now=clock.now())
    assert signup is not None
    return signup


async def test_an_event_reads_back_as_it_was_published(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(men=2, women=3))
    async with database.unit_of_work(read_only=True) as uow:
        events = EventsRepository.of(uow)
        again = await events.get(event.id)
        assert again == event and again.state is EventState.PUBLISHED
        assert again.spec.prices == {"premium": Decimal("99.00")} and again.spec.tiers == {"basic", "premium"}
        assert again.spec.starts_at == STARTS
        assert [e.id for e in await events.upcoming(clock.now())] == [event.id]
        assert await events.upcoming(STARTS) == []


async def test_the_last_seat_taken_at_the_same_moment_goes_to_one(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(men=1, women=1))
    first, second = await _account(database, clock, 1), await _account(database, clock, 2)
    results = await asyncio.gather(
        _sign_up(database, clock, event, first, Side.MALE), _sign_up(database, clock, event, second, Side.MALE)
    )
    assert sorted(r.state for r in results) == [SignupState.CONFIRMED, SignupState.WAITLISTED]
    async with database.unit_of_work(read_only=True) as uow:
        balance = await EventsRepository.of(uow).balance(event.id)
    assert balance.confirmed == {Side.MALE: 1} and balance.waitlisted == {Side.MALE: 1}


async def test_signing_up_twice_is_refused_and_a_cancelled_one_may_come_back(
    database: Database, clock: FakeClock
) -> None:
    event = await _event(database, clock, Capacity(total=5))
    client = await _account(database, clock, 1)
    signup = await _sign_up(database, clock, event, client, Side.OPEN)
    async with database.unit_of_work() as uow:
        events = EventsRepository.of(uow)
        assert await events.sign_up(event, client, side=Side.OPEN, tier="basic", now=clock.now()) is None
        cancelled = await events.cancel(signup, late=True, now=clock.now())
        assert cancelled is not None and cancelled.state is SignupState.CANCELLED and cancelled.late_cancellation
        assert await events.cancel(signup, late=False, now=clock.now()) is None  # stale: changed meanwhile
        back = await events.sign_up(event, client, side=Side.OPEN, tier="basic", now=clock.now())
        assert back is not None and back.id == signup.id and back.state is SignupState.CONFIRMED
        assert not back.late_cancellation


async def test_a_freed_seat_goes_to_the_longest_waiting_of_that_side(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(men=1, women=1))
    seated, woman = await _account(database, clock, 1), await _account(database, clock, 2)
    early, late = await _account(database, clock, 3), await _account(database, clock, 4)
    held = await _sign_up(database, clock, event, seated, Side.MALE)
    await _sign_up(database, clock, event, woman, Side.FEMALE)
    clock.advance(timedelta(minutes=1))
    waiting = await _sign_up(database, clock, event, early, Side.MALE)
    clock.advance(timedelta(minutes=1))
    await _sign_up(database, clock, event, late, Side.MALE)
    assert waiting.state is SignupState.WAITLISTED
    async with database.unit_of_work() as uow:
        events = EventsRepository.of(uow)
        assert await events.promote_next(event, Side.MALE, now=clock.now()) is None  # no seat free yet
        await events.cancel(held, late=False, now=clock.now())
        promoted = await events.promote_next(event, Side.MALE, now=clock.now())
        assert promoted is not None and promoted.client_id == early and promoted.promoted_at == clock.now()
        assert await events.promote_next(event, Side.MALE, now=clock.now()) is None


async def test_deleting_a_client_removes_their_sign_ups(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(total=5))
    client = await _account(database, clock, 1)
    await _sign_up(database, clock, event, client, Side.OPEN)
    async with database.unit_of_work() as uow:
        await shred_account(uow, client, clock.now())
    async with database.unit_of_work(read_only=True) as uow:
        count = await uow.session.scalar(select(func.count()).select_from(EventSignupRow))
        assert count == 0
        assert await EventsRepository.of(uow).get(event.id) is not None


async def test_a_check_in_code_is_sealed_found_by_its_index_and_used_once(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    event = await _event(database, clock, Capacity(total=5))
    seated, absent = await _account(database, clock, 1), await _account(database, clock, 2)
    signup = await _sign_up(database, clock, event, seated, Side.OPEN)
    other = await _sign_up(database, clock, event, absent, Side.OPEN)
    async with database.unit_of_work() as uow:
        events = EventsRepository.of(uow)
        await events.issue_code(signup, "QRSTUV23", now=clock.now())
        await events.issue_code(other, "WXYZ2345", now=clock.now())
        assert await events.code_of(signup) == "QRSTUV23"
    raw = await raw_contents()
    assert b"QRSTUV23" not in raw and b"WXYZ2345" not in raw
    async with database.unit_of_work() as uow:
        events = EventsRepository.of(uow)
        found = await events.by_code("QRSTUV23")
        assert found is not None and found.id == signup.id
        assert await events.by_code("QRSTUV24") is None
        assert await events.check_in(found, now=clock.now())
        assert not await events.check_in(found, now=clock.now())  # the same code again
        assert await events.record_no_shows(event.id, now=clock.now()) == 1
        assert await events.record_no_shows(event.id, now=clock.now()) == 0
        rows = {s.client_id: s for s in await events.signups(event.id)}
    assert rows[seated].checked_in_at == clock.now() and not rows[seated].no_show
    assert rows[absent].no_show and rows[absent].checked_in_at is None


async def test_the_export_holds_a_clients_sign_ups_with_the_code_and_the_picks_they_made(
    database: Database, clock: FakeClock
) -> None:
    event = await _event(database, clock, Capacity(men=1, women=1))
    man, woman = await _account(database, clock, 1), await _account(database, clock, 2)
    signup = await _sign_up(database, clock, event, man, Side.MALE)
    await _sign_up(database, clock, event, woman, Side.FEMALE)
    async with database.unit_of_work() as uow:
        events = EventsRepository.of(uow)
        await events.issue_code(signup, "QRSTUV23", now=clock.now())
        assert await events.pick(event.id, man, woman, now=clock.now())
        assert not await events.pick(event.id, man, woman, now=clock.now())  # once
        export = await export_account(uow, man)
    signups, picks = export["event_signups"], export["event_picks_i_made"]
    assert isinstance(signups, list) and isinstance(picks, list)
    assert [(s["event"], s["check_in_code"], s["state"]) for s in signups] == [("Wine salon", "QRSTUV23", "confirmed")]
    assert [p["picked_account_id"] for p in picks] == [str(woman)]
