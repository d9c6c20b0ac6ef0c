"""Invoices (orders), payments and refunds.

A payment is recorded once per Telegram charge: the charge id is sealed under the client's key and its blind
index is unique, so a second `successful_payment` for the same charge (a redelivered update, another
instance) finds the first and credits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from domain.membership.states import OrderState, RefundState
from storage.models.membership import CHARGE_INDEX, PaymentOrderRow, PaymentRow, RefundRow
from storage.repositories.base import Repository
from storage.sealing import RecordSpec


@dataclass(frozen=True)
class Order:
    id: UUID
    client_id: UUID
    tier: str
    term: str
    currency: str
    list_minor: int
    discount_minor: int
    credit_minor: int
    total_minor: int
    price_id: int | None
    promo_id: UUID | None
    state: str
    created_at: datetime
    closed_at: datetime | None
    event_id: UUID | None = None  # an order for a seat at this event (term `event`)


@dataclass(frozen=True)
class Payment:
    id: UUID
    order_id: UUID
    client_id: UUID
    provider: str
    tier: str
    currency: str
    amount_minor: int
    refunded_minor: int
    period_start: datetime
    period_end: datetime
    paid_at: datetime
    event_id: UUID | None = None  # a seat at this event, not a membership period


@dataclass(frozen=True)
class Refund:
    id: UUID
    payment_id: UUID
    client_id: UUID
    currency: str
    amount_minor: int
    rule: str
    state: str
    requested_at: datetime
    decided_at: datetime | None
    decided_by: UUID | None


PAYMENT_SPEC = RecordSpec(PaymentRow, Payment, row_id="id")
REFUND_SPEC = RecordSpec(RefundRow, Refund, row_id="id")


def _order(row: PaymentOrderRow) -> Order:
    return Order(
        row.id,
        row.client_id,
        row.tier,
        row.term,
        row.currency,
        row.list_minor,
        row.discount_minor,
        row.credit_minor,
        row.total_minor,
        row.price_id,
        row.promo_id,
        row.state,
        row.created_at,
        row.closed_at,
        row.event_id,
    )


class PaymentsRepository(Repository):
    # --- orders -------------------------------------------------------------------------------------------
    async def open_order(
        self,
        client_id: UUID,
        *,
        tier: str,
        term: str,
        currency: str,
        list_minor: int,
        discount_minor: int,
        credit_minor: int,
        total_minor: int,
        price_id: int | None,
        promo_id: UUID | None,
        now: datetime,
        event_id: UUID | None = None,
    ) -> Order:
        """A new invoice's order; the client's earlier open orders for the same thing (a membership, or a seat
        at `event_id`) are cancelled (their invoices go stale). An invoice for a seat leaves an open membership
        invoice alone, and the other way round."""
        same = PaymentOrderRow.event_id.is_(None) if event_id is None else PaymentOrderRow.event_id == event_id
        await self._execute_dml(
            update(PaymentOrderRow)
            .where(PaymentOrderRow.client_id == client_id, PaymentOrderRow.state == OrderState.OPEN.value, same)
            .values(state=OrderState.CANCELLED.value, closed_at=now)
        )
        row = PaymentOrderRow(
            id=uuid4(),
            client_id=client_id,
            tier=tier,
            term=term,
            currency=currency,
            list_minor=list_minor,
            discount_minor=discount_minor,
            credit_minor=credit_minor,
            total_minor=total_minor,
            price_id=price_id,
            promo_id=promo_id,
            state=OrderState.OPEN.value,
            created_at=now,
            event_id=event_id,
        )
        self._session.add(row)
        await self._session.flush()
        return _order(row)

    async def order(self, order_id: UUID) -> Order | None:
        row = await self._session.get(PaymentOrderRow, order_id, populate_existing=True)
        return None if row is None else _order(row)

    async def close_order(self, order_id: UUID, state: OrderState, now: datetime) -> bool:
        """Mark an open order paid or cancelled; False when it was not open any more."""
        changed = await self._execute_dml(
            update(PaymentOrderRow)
            .where(PaymentOrderRow.id == order_id, PaymentOrderRow.state == OrderState.OPEN.value)
            .values(state=state.value, closed_at=now)
        )
        return changed > 0

    async def cancel_event_orders(self, event_id: UUID, client_id: UUID, now: datetime) -> int:
        """The client's open invoices for a seat at the event go stale (the hold ended, or the place was given
        up); how many."""
        return await self._execute_dml(
            update(PaymentOrderRow)
            .where(
                PaymentOrderRow.client_id == client_id,
                PaymentOrderRow.event_id == event_id,
                PaymentOrderRow.state == OrderState.OPEN.value,
            )
            .values(state=OrderState.CANCELLED.value, closed_at=now)
        )

    # --- payments -----------------------------------------------------------------------------------------
    async def by_charge(self, charge_id: str) -> Payment | None:
        index = self._crypto.blind_index(CHARGE_INDEX, charge_id)
        row = await self._session.scalar(select(PaymentRow).where(PaymentRow.charge_id_index == index))
        return None if row is None else PAYMENT_SPEC.decode(self._crypto, None, row)

    async def record(
        self,
        order: Order,
        *,
        provider: str,
        charge_id: str,
        provider_charge_id: str | None,
        period_start: datetime,
        period_end: datetime,
        now: datetime,
    ) -> Payment | None:
        """Record the payment of `order` for Telegram's `charge_id`; None when that charge is recorded already
        (nothing is written then)."""
        if await self.by_charge(charge_id) is not None:
            return None
        key = await self._keys.for_account(order.client_id)
        payment_id = uuid4()
        row = PaymentRow(
            id=payment_id,
            order_id=order.id,
            client_id=order.client_id,
            provider=provider,
            tier=order.tier,
            currency=order.currency,
            amount_minor=order.total_minor,
            refunded_minor=0,
            period_start=period_start,
            period_end=period_end,
            paid_at=now,
            event_id=order.event_id,
        )
        PAYMENT_SPEC.apply(self._crypto, key, row, {"charge_id": charge_id, "provider_charge_id": provider_charge_id})
        try:
            async with self._session.begin_nested():
                self._session.add(row)
        except IntegrityError:  # the same charge, recorded meanwhile by another instance
            return None
        return PAYMENT_SPEC.decode(self._crypto, None, row)

    async def get(self, payment_id: UUID) -> Payment | None:
        row = await self._session.get(PaymentRow, payment_id, populate_existing=True)
        return None if row is None else PAYMENT_SPEC.decode(self._crypto, None, row)

    async def latest_of(self, client_id: UUID) -> Payment | None:
        """The client's latest membership payment (a seat at an event is refunded through the event)."""
        row = await self._session.scalar(
            select(PaymentRow)
            .where(PaymentRow.client_id == client_id, PaymentRow.event_id.is_(None))
            .order_by(PaymentRow.paid_at.desc())
            .limit(1)
        )
        return None if row is None else PAYMENT_SPEC.decode(self._crypto, None, row)

    async def list_for(self, client_id: UUID) -> list[Payment]:
        rows = await self._session.scalars(
            select(PaymentRow).where(PaymentRow.client_id == client_id).order_by(PaymentRow.paid_at)
        )
        return [PAYMENT_SPEC.decode(self._crypto, None, row) for row in rows.all()]

    async def charge_ids(self, payment_id: UUID) -> tuple[str, str | None] | None:
        """Telegram's and the provider's charge ids (opened with the client's key); None when the client's
        data was deleted."""
        row = await self._session.get(PaymentRow, payment_id, populate_existing=True)
        if row is None:
            return None
        key = await self._keys.usable_key(row.client_id)
        if key is None:
            return None
        charge = PAYMENT_SPEC.open_column(self._crypto, key, "charge_id", row.id, row.charge_id)
        provider = PAYMENT_SPEC.open_column(self._crypto, key, "provider_charge_id", row.id, row.provider_charge_id)
        return charge, provider

    async def add_refunded(self, payment_id: UUID, amount_minor: int) -> None:
        await self._execute_dml(
            update(PaymentRow)
            .where(PaymentRow.id == payment_id)
            .values(refunded_minor=PaymentRow.refunded_minor + amount_minor)
        )

    # --- refunds ------------------------------------------------------------------------------------------
    async def request_refund(
        self, payment: Payment, *, reason: str | None, amount_minor: int, rule: str, now: datetime
    ) -> Refund:
        key = await self._keys.for_account(payment.client_id)
        row = RefundRow(
            id=uuid4(),
            payment_id=payment.id,
            client_id=payment.client_id,
            currency=payment.currency,
            amount_minor=amount_minor,
            rule=rule,
            state=RefundState.REQUESTED.value,
            requested_at=now,
        )
        REFUND_SPEC.apply(self._crypto, key, row, {"reason": reason})
        self._session.add(row)
        await self._session.flush()
        return REFUND_SPEC.decode(self._crypto, None, row)

    async def refund(self, refund_id: UUID) -> Refund | None:
        row = await self._session.get(RefundRow, refund_id, populate_existing=True)
        return None if row is None else REFUND_SPEC.decode(self._crypto, None, row)

    async def refund_reason(self, refund: Refund) -> str | None:
        row = await self._session.get(RefundRow, refund.id)
        key = await self._keys.usable_key(refund.client_id)
        if row is None or key is None:
            return None
        reason = REFUND_SPEC.open_column(self._crypto, key, "reason", row.id, row.reason)
        return reason if isinstance(reason, str) else None

    async def refunds_of(self, payment_id: UUID) -> list[Refund]:
        rows = await self._session.scalars(
            select(RefundRow).where(RefundRow.payment_id == payment_id).order_by(RefundRow.requested_at)
        )
        return [REFUND_SPEC.decode(self._crypto, None, row) for row in rows.all()]

    async def pending_refunds(self, limit: int = 20) -> list[Refund]:
        rows = await self._session.scalars(
            select(RefundRow)
            .where(RefundRow.state == RefundState.REQUESTED.value)
            .order_by(RefundRow.requested_at)
            .limit(limit)
        )
        return [REFUND_SPEC.decode(self._crypto, None, row) for row in rows.all()]

    async def decide_refund(self, refund_id: UUID, state: RefundState, *, by: UUID | None, now: datetime) -> bool:
        """Approve or decline a requested refund, once; False when it was decided already."""
        changed = await self._execute_dml(
            update(RefundRow)
            .where(RefundRow.id == refund_id, RefundRow.state == RefundState.REQUESTED.value)
            .values(state=state.value, decided_by=by, decided_at=now)
        )
        return changed > 0
