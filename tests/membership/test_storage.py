"""Membership storage on SQLite and PostgreSQL: prices with history, exactly-once payments, sealed charge ids,
refunds decided once, and a ledger nobody can change."""

from __future__ import annotations

import asyncio
import inspect
from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.clock import FakeClock
from domain.membership.states import LedgerKind, OrderState, Provider, RefundState
from storage.database import Database
from storage.models.membership import LedgerEntryRow
from storage.privacy_ops import shred_account
from storage.repositories.ledger import LedgerRepository
from storage.repositories.payments import Order
from tests.db_fixtures import RawContents

CHARGE = "tg-charge-5f1e9a77c0de4b1a"
PROVIDER_CHARGE = "prov-charge-88adf01c"
REASON = "I met someone at my cousin's wedding"


async def _client(database: Database, clock: FakeClock, number: int = 1) -> UUID:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", str(9_100 + number), locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
    return account.id


async def _order(database: Database, clock: FakeClock, client: UUID) -> Order:
    async with database.unit_of_work() as uow:
        return await uow.payments.open_order(
            client,
            tier="premium",
            term="1",
            currency="CNY",
            list_minor=19900,
            discount_minor=3980,
            credit_minor=0,
            total_minor=15920,
            price_id=None,
            promo_id=None,
            now=clock.now(),
        )


async def test_a_price_change_is_a_new_row_from_its_moment_on(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with database.unit_of_work() as uow:
        assert await uow.prices.current("premium", "1", "CNY", now) is None
        first = await uow.prices.set("premium", "1", "CNY", 19900, valid_from=now, by=None)
        await uow.prices.set("premium", "1", "CNY", 25900, valid_from=now + timedelta(days=30), by=None)
    async with database.unit_of_work() as uow:
        assert await uow.prices.current("premium", "1", "CNY", now + timedelta(days=1)) == first
        later = await uow.prices.current("premium", "1", "CNY", now + timedelta(days=31))
        assert later is not None and later.amount_minor == 25900
        assert [p.amount_minor for p in await uow.prices.history("premium", "1", "CNY")] == [19900, 25900]
        assert await uow.prices.current("premium", "1", "XTR", now) is None


async def test_a_charge_is_recorded_once_and_sealed(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    client = await _client(database, clock)
    order = await _order(database, clock, client)
    start, end = clock.now(), clock.now() + timedelta(days=31)
    async with database.unit_of_work() as uow:
        payment = await uow.payments.record(
            order,
            provider=Provider.TELEGRAM.value,
            charge_id=CHARGE,
            provider_charge_id=PROVIDER_CHARGE,
            period_start=start,
            period_end=end,
            now=clock.now(),
        )
        assert payment is not None and payment.amount_minor == 15920
        assert await uow.payments.close_order(order.id, OrderState.PAID, clock.now())
    async with database.unit_of_work() as uow:  # the same charge again: another update, another instance
        again = await uow.payments.record(
            order,
            provider=Provider.TELEGRAM.value,
            charge_id=CHARGE,
            provider_charge_id=PROVIDER_CHARGE,
            period_start=start,
            period_end=end,
            now=clock.now(),
        )
        assert again is None
        assert not await uow.payments.close_order(order.id, OrderState.PAID, clock.now())
        assert [p.id for p in await uow.payments.list_for(client)] == [payment.id]
        assert await uow.payments.charge_ids(payment.id) == (CHARGE, PROVIDER_CHARGE)
        assert (await uow.payments.by_charge(CHARGE)) == payment
    raw = await raw_contents()
    assert CHARGE.encode() not in raw and PROVIDER_CHARGE.encode() not in raw


async def test_the_unique_blind_index_stops_a_second_row_for_one_charge(database: Database, clock: FakeClock) -> None:
    """Even a writer that skipped the check (two instances at once) cannot store one charge twice."""
    client = await _client(database, clock)
    first, second = await _order(database, clock, client), await _order(database, clock, client)
    now = clock.now()
    async with database.unit_of_work() as uow:
        assert await uow.payments.record(
            first,
            provider="stars",
            charge_id=CHARGE,
            provider_charge_id=None,
            period_start=now,
            period_end=now + timedelta(days=30),
            now=now,
        )
    async with database.unit_of_work() as uow:
        payments = uow.payments
        payments.by_charge = _nothing  # type: ignore[method-assign]
        duplicate = await payments.record(
            second,
            provider="stars",
            charge_id=CHARGE,
            provider_charge_id=None,
            period_start=now,
            period_end=now + timedelta(days=30),
            now=now,
        )
        assert duplicate is None  # refused by the unique index; the rest of the transaction goes on
        await uow.ledger.append(LedgerKind.PAYMENT, currency="XTR", amount_minor=1, now=now)
    async with database.unit_of_work() as uow:
        assert len(await uow.payments.list_for(client)) == 1
        assert len(await uow.ledger.entries()) == 1


async def _nothing(charge_id: str) -> None:
    return None


async def test_a_refund_is_decided_once_and_its_reason_sealed(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    client = await _client(database, clock)
    order = await _order(database, clock, client)
    staff = await _client(database, clock, 2)
    now = clock.now()
    async with database.unit_of_work() as uow:
        payment = await uow.payments.record(
            order,
            provider="stars",
            charge_id=CHARGE,
            provider_charge_id=None,
            period_start=now,
            period_end=now + timedelta(days=30),
            now=now,
        )
        assert payment is not None
        refund = await uow.payments.request_refund(payment, reason=REASON, amount_minor=15920, rule="full", now=now)
    async with database.unit_of_work() as uow:
        assert [r.id for r in await uow.payments.pending_refunds()] == [refund.id]
        assert await uow.payments.refund_reason(refund) == REASON
        assert await uow.payments.decide_refund(refund.id, RefundState.APPROVED, by=staff, now=now)
        assert not await uow.payments.decide_refund(refund.id, RefundState.DECLINED, by=staff, now=now)
        await uow.payments.add_refunded(payment.id, 15920)
    async with database.unit_of_work() as uow:
        decided = await uow.payments.refund(refund.id)
        assert decided is not None and decided.state == "approved" and decided.decided_by == staff
        stored = await uow.payments.get(payment.id)
        assert stored is not None and stored.refunded_minor == 15920
        assert await uow.payments.pending_refunds() == []
    assert REASON.encode() not in await raw_contents()


async def test_memberships_renew_and_end_only_at_their_own_expiry(database: Database, clock: FakeClock) -> None:
    client = await _client(database, clock)
    now = clock.now()
    async with database.unit_of_work() as uow:
        await uow.memberships.put(
            client, tier="premium", started_at=now, expires_at=now + timedelta(days=30), payment_id=None, now=now
        )
        await uow.memberships.put(
            client, tier="premium", started_at=now, expires_at=now + timedelta(days=60), payment_id=None, now=now
        )
    async with database.unit_of_work() as uow:
        assert not await uow.memberships.end(client, expires_at=now + timedelta(days=30))  # renewed meanwhile
        assert await uow.memberships.mark_delivered(client, now)
        membership = await uow.memberships.get(client)
        assert membership is not None and membership.delivered_at == now
        assert await uow.memberships.end(client, expires_at=now + timedelta(days=60))
        assert await uow.memberships.get(client) is None


async def test_promo_codes_count_their_uses(database: Database, clock: FakeClock) -> None:
    client, other = await _client(database, clock), await _client(database, clock, 2)
    now = clock.now()
    async with database.unit_of_work() as uow:
        promo = await uow.promo_codes.add(
            "SPRING26", kind="percent", percent=20, starts_at=now, max_uses=5, tiers=frozenset({"premium"}), now=now
        )
        assert await uow.promo_codes.by_code("SPRING26") == promo and promo.tiers == {"premium"}
        assert await uow.promo_codes.uses(promo.id, client) == (0, 0)
    order = await _order(database, clock, client)
    async with database.unit_of_work() as uow:
        payment = await uow.payments.record(
            order, provider="test", charge_id="t-1", provider_charge_id=None, period_start=now, period_end=now, now=now
        )
        assert payment is not None
        await uow.promo_codes.redeem(
            promo.id, client_id=client, payment_id=payment.id, currency="CNY", discount_minor=3980, now=now
        )
    async with database.unit_of_work() as uow:
        assert await uow.promo_codes.uses(promo.id, client) == (1, 1)
        assert await uow.promo_codes.uses(promo.id, other) == (1, 0)


def test_the_ledger_repository_can_only_append_and_reverse() -> None:
    public = {name for name, _ in inspect.getmembers(LedgerRepository, inspect.isfunction) if not name.startswith("_")}
    assert public == {"append", "reverse", "entries", "total"}


async def test_the_database_refuses_to_change_or_delete_a_ledger_entry(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with database.unit_of_work() as uow:
        entry = await uow.ledger.append(LedgerKind.PAYMENT, currency="CNY", amount_minor=15920, now=now)
    for statement in (
        update(LedgerEntryRow).where(LedgerEntryRow.id == entry.id).values(amount_minor=1),
        delete(LedgerEntryRow).where(LedgerEntryRow.id == entry.id),
    ):
        with pytest.raises(DBAPIError, match="immutable"):
            async with database.unit_of_work() as uow:
                await uow.session.execute(statement)
    async with database.unit_of_work() as uow:
        reversal = await uow.ledger.reverse(entry.id, now=now)
        assert (reversal.kind, reversal.amount_minor, reversal.reverses_id) == ("reversal", -15920, entry.id)
        assert await uow.ledger.total("CNY", (LedgerKind.PAYMENT,)) == 0
        assert [e.amount_minor for e in await uow.ledger.entries()] == [15920, -15920]
    with pytest.raises(IntegrityError):  # an entry is reversed once
        async with database.unit_of_work() as uow:
            await uow.ledger.reverse(entry.id, now=now)


async def test_the_books_survive_the_clients_deletion(database: Database, clock: FakeClock) -> None:
    client = await _client(database, clock)
    order = await _order(database, clock, client)
    now = clock.now()
    async with database.unit_of_work() as uow:
        payment = await uow.payments.record(
            order,
            provider="stars",
            charge_id=CHARGE,
            provider_charge_id=None,
            period_start=now,
            period_end=now + timedelta(days=30),
            now=now,
        )
        assert payment is not None
        await uow.ledger.append(
            LedgerKind.PAYMENT, currency="CNY", amount_minor=15920, now=now, client_id=client, payment_id=payment.id
        )
        await uow.memberships.put(
            client, tier="premium", started_at=now, expires_at=now + timedelta(days=30), payment_id=payment.id, now=now
        )
    async with database.unit_of_work() as uow:
        await shred_account(uow, client, now)
    async with database.unit_of_work() as uow:
        assert await uow.memberships.get(client) is None
        assert (await uow.payments.get(payment.id)) is not None
        assert await uow.payments.charge_ids(payment.id) is None  # its details can no longer be read
        assert len(await uow.ledger.entries(client_id=client)) == 1
        count = await uow.session.scalar(text("SELECT count(*) FROM ledger_entries"))
        assert count == 1


async def test_two_instances_crediting_one_charge_at_once_record_it_once(database: Database, clock: FakeClock) -> None:
    """Two transactions at the same moment (two instances that both passed the lookup): one row, and the other
    transaction is told and goes on."""
    client = await _client(database, clock)
    first, second = await _order(database, clock, client), await _order(database, clock, client)
    now = clock.now()

    async def credit(order: Order) -> bool:
        async with database.unit_of_work() as uow:
            payments = uow.payments
            payments.by_charge = _nothing  # type: ignore[method-assign]
            recorded = await payments.record(
                order,
                provider="stars",
                charge_id=CHARGE,
                provider_charge_id=None,
                period_start=now,
                period_end=now + timedelta(days=30),
                now=now,
            )
            return recorded is not None

    results = await asyncio.gather(credit(first), credit(second))
    assert sorted(results) == [False, True]
    async with database.unit_of_work() as uow:
        assert len(await uow.payments.list_for(client)) == 1
