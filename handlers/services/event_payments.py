"""Paying for a seat at an offline event (`services.event_payments`), the membership's way: an order (term
`event`, naming the event) whose id is the invoice payload, Telegram's invoice or the web chat's test provider,
the check Telegram asks for before it charges, the payment booked once per charge with its ledger entry
(`MembershipDesk.book_payment`), and refunds through finance's requests (`EventDesk.cancel`).

A seat is held while its client pays (`domain.events.HOLD`); paid, it is confirmed with its check-in code. Money
that arrives for a seat no longer held (the hold ran out between Telegram's question and the charge, or the
event was called off) is not kept: a full refund is asked of finance at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from uuid import UUID

from domain.dates import zone_for
from domain.event_payments import SeatCheckoutProblem, seat_checkout_problem
from domain.events import EventState, SignupState
from domain.membership.invoices import EVENT_PAYLOAD_PREFIX, payload_for
from domain.membership.money import to_minor
from domain.membership.pricing import RefundRule
from domain.membership.states import EVENT_TERM, OrderState, Provider
from handlers.services.events import EventDesk
from handlers.services.feature import FeatureService
from handlers.services.membership.desk import MembershipDesk
from handlers.views.membership_outcomes import CreditResult
from storage.repositories.events import EventRecord, EventsRepository, SignupRecord
from storage.repositories.payments import Order


@dataclass(frozen=True)
class SeatInvoice:
    """An invoice to send for a held seat."""

    order_id: UUID
    payload: str
    event: EventRecord
    amount: Decimal
    currency: str
    provider: Provider
    hold_until: datetime
    zone: tzinfo

    @property
    def amount_minor(self) -> int:
        return to_minor(self.amount, self.currency)


@dataclass(frozen=True)
class SeatCredited:
    result: CreditResult
    event: EventRecord | None = None
    amount_minor: int = 0
    currency: str = ""
    seated: bool = False  # False with CREDITED: the seat was gone, a full refund is asked
    zone: tzinfo | None = None


@dataclass
class EventPayments(FeatureService):
    @property
    def _events(self) -> EventsRepository:
        return EventsRepository.of(self.uow)

    @property
    def _desk(self) -> MembershipDesk:
        return MembershipDesk.beside(self)

    async def _zone(self, client_id: UUID) -> tzinfo:
        profile = await self.uow.profiles.get(client_id)
        return zone_for(None if profile is None else profile.region_code, self.settings.timezone)

    def _price_minor(self, event: EventRecord, signup: SignupRecord) -> int | None:
        price = event.spec.price_for(signup.tier)
        return None if price is None else to_minor(price, event.currency)

    async def open_invoice(
        self, client_id: UUID, event_id: UUID, provider: Provider | None
    ) -> SeatInvoice | SeatCheckoutProblem:
        """An invoice for the seat held for the client (earlier invoices for it go stale), or why there is none."""
        event = await self._events.get(event_id)
        signup = None if event is None else await self._events.signup_of(event_id, client_id)
        if event is None or signup is None or provider is None:
            return SeatCheckoutProblem.UNKNOWN
        price_minor = self._price_minor(event, signup)
        problem = seat_checkout_problem(
            event_state=event.state,
            starts_at=event.spec.starts_at,
            signup_state=signup.state,
            hold_until=signup.hold_until,
            asked_minor=price_minor or 0,
            price_minor=price_minor,
            now=self.now(),
        )
        if problem is not None or price_minor is None or signup.hold_until is None:
            return problem or SeatCheckoutProblem.HOLD_EXPIRED
        order = await self.uow.payments.open_order(
            client_id,
            tier=signup.tier,
            term=EVENT_TERM,
            currency=event.currency,
            list_minor=price_minor,
            discount_minor=0,
            credit_minor=0,
            total_minor=price_minor,
            price_id=None,
            promo_id=None,
            now=self.now(),
            event_id=event.id,
        )
        price = event.spec.price_for(signup.tier)
        assert price is not None
        return SeatInvoice(
            order.id,
            payload_for(order.id, EVENT_PAYLOAD_PREFIX),
            event,
            price,
            event.currency,
            provider,
            signup.hold_until,
            await self._zone(client_id),
        )

    async def _order(self, payload: str, client_id: UUID | None) -> Order | None:
        order = await self._desk.order_for(payload, client_id, EVENT_PAYLOAD_PREFIX)
        return order if order is not None and order.event_id is not None else None

    async def checkout_problem(
        self, payload: str, client_id: UUID | None, *, currency: str, total_minor: int
    ) -> SeatCheckoutProblem | None:
        """Why Telegram must not charge for this seat now (None: it may): the order is still open and asks what
        it said, the event is on, and the seat is still held for the client at the same price."""
        order = await self._order(payload, client_id)
        if order is None or client_id is None or order.event_id is None:
            return SeatCheckoutProblem.UNKNOWN
        if order.state != OrderState.OPEN.value:
            return SeatCheckoutProblem.CLOSED
        if currency != order.currency or total_minor != order.total_minor:
            return SeatCheckoutProblem.PRICE_CHANGED
        event = await self._events.get(order.event_id)
        signup = None if event is None else await self._events.signup_of(order.event_id, client_id)
        if event is None:
            return SeatCheckoutProblem.UNKNOWN
        return seat_checkout_problem(
            event_state=event.state,
            starts_at=event.spec.starts_at,
            signup_state=None if signup is None else signup.state,
            hold_until=None if signup is None else signup.hold_until,
            asked_minor=order.total_minor,
            price_minor=None if signup is None else self._price_minor(event, signup),
            now=self.now(),
        )

    async def credit(
        self,
        payload: str,
        client_id: UUID | None,
        *,
        charge_id: str,
        provider_charge_id: str | None,
        provider: Provider,
        currency: str,
        total_minor: int,
    ) -> SeatCredited:
        """Book a successful payment for a seat once and confirm the seat; a charge seen before is a duplicate;
        money for an order we cannot match opens a payment problem for a counselor."""
        if await self.uow.payments.by_charge(charge_id) is not None:
            return SeatCredited(CreditResult.DUPLICATE)
        order = await self._order(payload, client_id)
        event = None if order is None or order.event_id is None else await self._events.get(order.event_id)
        paid_as_asked = order is not None and (currency, total_minor) == (order.currency, order.total_minor)
        if order is None or event is None or client_id is None or not paid_as_asked:
            if client_id is not None:
                await self._desk.open_payment_problem(client_id)
            return SeatCredited(CreditResult.PROBLEM)
        payment = await self._desk.book_payment(
            order,
            provider=provider,
            charge_id=charge_id,
            provider_charge_id=provider_charge_id,
            start=self.now(),
            end=max(self.now(), event.spec.starts_at),
        )
        if payment is None:
            return SeatCredited(CreditResult.DUPLICATE)
        signup = await self._events.signup_of(event.id, client_id)
        seated = None
        if signup is not None and signup.state is SignupState.HELD and event.state is EventState.PUBLISHED:
            seated = await EventDesk.beside(self).seat_paid(signup, payment.id)
        if seated is None:
            await self._desk.file_refund(
                payment,
                reason=f"{event.spec.title_en} / {event.spec.title_zh} ({event.id.hex[:8]})",
                amount_minor=payment.amount_minor,
                rule=RefundRule.FULL,
            )
        zone = await self._zone(client_id)
        return SeatCredited(
            CreditResult.CREDITED, event, payment.amount_minor, payment.currency, seated is not None, zone
        )

    async def pay_with_test_provider(
        self, order_hex: str, client_id: UUID | None
    ) -> SeatCredited | SeatCheckoutProblem:
        """The web chat's test provider: the same check as Telegram's question, then the same booking as a
        successful payment (its charge id made from the order, so a second press is a duplicate). No money
        moves."""
        payload = EVENT_PAYLOAD_PREFIX + order_hex
        order = await self._order(payload, client_id)
        if order is None:
            return SeatCheckoutProblem.UNKNOWN
        charge = f"test-{order.id.hex}"
        if await self.uow.payments.by_charge(charge) is not None:
            return SeatCredited(CreditResult.DUPLICATE)
        problem = await self.checkout_problem(
            payload, client_id, currency=order.currency, total_minor=order.total_minor
        )
        if problem is not None:
            return problem
        return await self.credit(
            payload,
            client_id,
            charge_id=charge,
            provider_charge_id=None,
            provider=Provider.TEST,
            currency=order.currency,
            total_minor=order.total_minor,
        )

    async def cancel_invoice(self, order_hex: str, client_id: UUID | None) -> bool:
        """A failed (test) payment: the order is closed, nothing is charged; the seat stays held until its time."""
        order = await self._order(EVENT_PAYLOAD_PREFIX + order_hex, client_id)
        return order is not None and await self.uow.payments.close_order(order.id, OrderState.CANCELLED, self.now())
