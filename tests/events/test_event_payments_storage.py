"""Held seats in the database (SQLite and PostgreSQL): two people after the last priced seat at once, one holds
it and one waits; a hold is released only while it is the same hold, a held seat is confirmed by its payment
once; a freed seat goes to the next in line held (a tier that pays) or outright (a free tier); an order for a
seat leaves the client's open membership invoice alone."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from domain.clock import FakeClock
from domain.events import Capacity, Side, SignupState
from domain.membership.states import EVENT_TERM, OrderState
from storage.database import Database
from storage.repositories.events import EventRecord, EventsRepository, SignupRecord
from storage.repositories.payments import Order
from storage.unit_of_work import UnitOfWork
from tests.events.test_events_storage import _account, _event


async def _sign_up(
    database: Database, clock: FakeClock, event: EventRecord, client: UUID, *, tier: str = "premium"
) -> SignupRecord:
    """A sign-up of a male client; premium pays for the test event, so the seat is held for half an hour."""
    held = clock.now() + timedelta(minutes=30) if event.spec.price_for(tier) is not None else None
    async with database.unit_of_work() as uow:
        signup = await EventsRepository.of(uow).sign_up(
            event, client, side=Side.MALE, tier=tier, now=clock.now(), hold_until=held
        )
    assert signup is not None
    return signup


async def test_the_last_priced_seat_at_the_same_moment_is_held_for_one(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(men=1, women=1))
    first, second = await _account(database, clock, 1), await _account(database, clock, 2)
    results = await asyncio.gather(_sign_up(database, clock, event, first), _sign_up(database, clock, event, second))
    assert sorted(r.state for r in results) == [SignupState.HELD, SignupState.WAITLISTED]
    async with database.unit_of_work(read_only=True) as uow:
        balance = await EventsRepository.of(uow).balance(event.id)
    assert balance.held == {Side.MALE: 1} and balance.free(event.spec.capacity, Side.MALE) == 0


async def test_a_hold_is_released_or_paid_once_and_the_seat_goes_on(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(men=1, women=1))
    payer, waiting_payer, waiting_free = [await _account(database, clock, n) for n in (3, 4, 5)]
    held = await _sign_up(database, clock, event, payer)
    assert held.state is SignupState.HELD and held.hold_until is not None
    await _sign_up(database, clock, event, waiting_payer)
    clock.advance(timedelta(minutes=1))
    await _sign_up(database, clock, event, waiting_free, tier="basic")
    async with database.unit_of_work() as uow:
        events = EventsRepository.of(uow)
        assert await events.release_hold(held.id, held.hold_until + timedelta(seconds=1), now=clock.now()) is None
        released = await events.release_hold(held.id, held.hold_until, now=clock.now())
        assert released is not None and released.state is SignupState.CANCELLED and not released.late_cancellation
        assert await events.release_hold(held.id, held.hold_until, now=clock.now()) is None  # once
        until = clock.now() + timedelta(minutes=30)
        promoted = await events.promote_next(event, Side.MALE, now=clock.now(), hold_until=until)
        assert promoted is not None and promoted.client_id == waiting_payer
        assert (promoted.state, promoted.hold_until) == (SignupState.HELD, until)
        assert await events.promote_next(event, Side.MALE, now=clock.now(), hold_until=until) is None  # held: no seat

        payment_id = await _a_payment(uow, waiting_payer, event, clock)
        confirmed = await events.confirm_paid(promoted.id, payment_id, now=clock.now())
        assert confirmed is not None and confirmed.state is SignupState.CONFIRMED
        assert (confirmed.payment_id, confirmed.hold_until) == (payment_id, None)
        assert await events.confirm_paid(promoted.id, payment_id, now=clock.now()) is None  # once

        await events.cancel(confirmed, late=False, now=clock.now())
        free = await events.promote_next(event, Side.MALE, now=clock.now(), hold_until=until)
        assert free is not None and free.client_id == waiting_free
        assert (free.state, free.hold_until) == (SignupState.CONFIRMED, None)  # basic is free: the seat is theirs


async def _a_payment(uow: UnitOfWork, client: UUID, event: EventRecord, clock: FakeClock) -> UUID:
    order = await _order(uow, client, clock, total=9900, event=event)
    payment = await uow.payments.record(
        order,
        provider="test",
        charge_id=f"test-{order.id.hex}",
        provider_charge_id=None,
        period_start=clock.now(),
        period_end=event.spec.starts_at,
        now=clock.now(),
    )
    assert payment is not None and payment.event_id == event.id
    return payment.id


async def _order(uow: UnitOfWork, client: UUID, clock: FakeClock, *, total: int, event: EventRecord | None) -> Order:
    return await uow.payments.open_order(
        client,
        tier="premium",
        term="1" if event is None else EVENT_TERM,
        currency="CNY",
        list_minor=total,
        discount_minor=0,
        credit_minor=0,
        total_minor=total,
        price_id=None,
        promo_id=None,
        now=clock.now(),
        event_id=None if event is None else event.id,
    )


async def test_a_seat_order_leaves_an_open_membership_invoice_alone(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(total=5))
    client = await _account(database, clock, 6)
    async with database.unit_of_work() as uow:
        membership = await _order(uow, client, clock, total=19900, event=None)
        seat = await _order(uow, client, clock, total=9900, event=event)
        again = await _order(uow, client, clock, total=9900, event=event)
        states = [await uow.payments.order(order.id) for order in (membership, seat, again)]
        assert [order.state if order else None for order in states] == [
            OrderState.OPEN.value,
            OrderState.CANCELLED.value,  # the newer invoice for the same seat replaced it
            OrderState.OPEN.value,
        ]
        assert await uow.payments.cancel_event_orders(event.id, client, clock.now()) == 1
        still = await uow.payments.order(membership.id)
        assert still is not None and still.state == OrderState.OPEN.value
