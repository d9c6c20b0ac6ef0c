"""/mydata's export holds the client's membership, orders, payments and refunds (amounts, dates, tier, the
sealed charge ids and reasons opened for them) and what the matcher learned; erasing the account keeps the
money records for the books but their sealed details can no longer be read, and the learned figures go (SQLite
and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from domain.clock import FakeClock
from domain.matching.learning import Answer
from domain.membership.states import RefundState
from storage.database import Database
from storage.models.match_learning import MatchLearningRow
from storage.privacy_ops import export_account, shred_account
from tests.db_fixtures import RawContents

CHARGE = "tg-charge-7d2c41aa90be"
PROVIDER_CHARGE = "prov-charge-19f3c2e7"
REASON = "We met at my sister's wedding and are engaged"


async def _people(database: Database, clock: FakeClock) -> tuple[UUID, UUID, UUID]:
    async with database.unit_of_work() as uow:
        ids = []
        for number in (1, 2, 3):
            account = await uow.accounts.create("telegram", str(9_300 + number), locale="en", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now(), status="active")
            ids.append(account.id)
    return ids[0], ids[1], ids[2]


async def _paid_and_refunded(database: Database, clock: FakeClock, client: UUID, staff: UUID) -> UUID:
    now = clock.now()
    async with database.unit_of_work() as uow:
        order = await uow.payments.open_order(
            client,
            tier="premium",
            term="3",
            currency="CNY",
            list_minor=49900,
            discount_minor=4990,
            credit_minor=0,
            total_minor=44910,
            price_id=None,
            promo_id=None,
            now=now,
        )
        payment = await uow.payments.record(
            order,
            provider="telegram",
            charge_id=CHARGE,
            provider_charge_id=PROVIDER_CHARGE,
            period_start=now,
            period_end=now + timedelta(days=90),
            now=now,
        )
        assert payment is not None
        await uow.memberships.put(
            client, tier="premium", started_at=now, expires_at=now + timedelta(days=90), payment_id=payment.id, now=now
        )
        refund = await uow.payments.request_refund(
            payment, reason=REASON, amount_minor=44910, rule="full", now=now + timedelta(days=2)
        )
        await uow.payments.decide_refund(refund.id, RefundState.APPROVED, by=staff, now=now + timedelta(days=3))
        await uow.payments.add_refunded(payment.id, 44910)
    return payment.id


async def test_the_export_holds_membership_money_and_learning(database: Database, clock: FakeClock) -> None:
    client, other, staff = await _people(database, clock)
    payment_id = await _paid_and_refunded(database, clock, client, staff)
    async with database.unit_of_work() as uow:
        await uow.match_learning.record(Answer(client, other, True, clock.now()), ("hobby:tea",), clock.now())
        await uow.match_learning.set_choices(client, clock.now(), importance={"regions": "ignore"})

    async with database.unit_of_work(read_only=True) as uow:
        export: dict[str, Any] = await export_account(uow, client)
        learned = await uow.match_learning.export(client)
    json.dumps(export)  # a file the client can open

    membership = export["membership"]
    assert isinstance(membership, dict)
    assert (membership["tier"], membership["payment_id"]) == ("premium", str(payment_id))
    assert membership["expires_at"] == (clock.now() + timedelta(days=90)).isoformat()
    (order,) = export["payment_orders"]
    assert (order["tier"], order["term"], order["currency"]) == ("premium", "3", "CNY")
    assert (order["list_price"], order["discount"], order["total"]) == ("499.00", "49.90", "449.10")
    (payment,) = export["payments"]
    assert payment["id"] == str(payment_id)
    assert (payment["tier"], payment["provider"], payment["currency"]) == ("premium", "telegram", "CNY")
    assert (payment["amount"], payment["refunded"], payment["amount_minor"]) == ("449.10", "449.10", 44910)
    assert payment["paid_at"] == clock.now().isoformat()
    assert (payment["charge_id"], payment["provider_charge_id"]) == (CHARGE, PROVIDER_CHARGE)
    (refund,) = export["refunds"]
    assert (refund["payment_id"], refund["amount"], refund["currency"]) == (str(payment_id), "449.10", "CNY")
    assert (refund["state"], refund["rule"], refund["reason"]) == ("approved", "full", REASON)
    assert refund["requested_at"] == (clock.now() + timedelta(days=2)).isoformat()
    assert "decided_by" not in refund  # who in the staff decided is the agency's, not the client's
    assert export["matching_learned"] == json.loads(json.dumps(learned))
    assert export["matching_learned"]["importance"] == {"regions": "ignore"}
    assert export["matching_learned"]["learned"] is not None


async def test_an_export_without_membership_has_empty_money_sections(database: Database, clock: FakeClock) -> None:
    client, _other, _staff = await _people(database, clock)
    async with database.unit_of_work(read_only=True) as uow:
        export = await export_account(uow, client)
    assert export["membership"] is None
    assert export["payment_orders"] == export["payments"] == export["refunds"] == []
    assert export["matching_learned"] == {"behaviour_ranking": True, "importance": {}, "learned": None}


async def test_erasing_keeps_the_money_records_unreadable_and_drops_the_learning(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    client, other, staff = await _people(database, clock)
    payment_id = await _paid_and_refunded(database, clock, client, staff)
    async with database.unit_of_work() as uow:
        await uow.match_learning.record(Answer(client, other, True, clock.now()), ("hobby:tea",), clock.now())
    before = await raw_contents()
    assert CHARGE.encode() not in before and REASON.encode() not in before  # sealed at rest

    async with database.unit_of_work() as uow:
        await shred_account(uow, client, clock.now())

    async with database.unit_of_work(read_only=True) as uow:
        payment = await uow.payments.get(payment_id)
        assert payment is not None and payment.amount_minor == payment.refunded_minor == 44910
        assert await uow.payments.charge_ids(payment_id) is None
        (refund,) = await uow.payments.refunds_of(payment_id)
        assert refund.state == "approved"
        assert await uow.payments.refund_reason(refund) is None
        assert await uow.memberships.get(client) is None
        learners = (await uow.session.scalars(select(MatchLearningRow.account_id))).all()
        assert client not in learners and other in learners
    after = await raw_contents()
    assert CHARGE.encode() not in after and REASON.encode() not in after
