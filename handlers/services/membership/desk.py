"""`MembershipDesk`: what a client has and may buy, invoices and their checks, crediting a payment exactly once,
refunds, and the hook other features use to open a payment problem.

Prices come from the price list (`uow.prices`, with history) and, for an offer nobody priced yet, from the
seed in `domain/data/tiers.json`. An invoice's payload names an order row holding the quote; before Telegram
charges, the quote is made again and must be the same (`checkout_problem`). A payment is credited only on
`successful_payment`, once per Telegram charge id (`uow.payments.record` refuses a second one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.handoff import Handoff, HandoffReason
from domain.identity import Channel
from domain.membership.invoices import PAYLOAD_PREFIX, order_of, payload_for
from domain.membership.money import STARS, from_minor, parse_amount, to_minor, zero
from domain.membership.pricing import (
    PromoCode,
    PromoKind,
    PromoProblem,
    RefundRule,
    add_months,
    normalize_code,
    promo_discount,
    promo_problem,
    quote,
    refund_due,
    upgrade_credit,
)
from domain.membership.schedule import Billing, Schedule, Term, Tier, schedule
from domain.membership.states import LedgerKind, OrderState, Provider, RefundState
from domain.staff import Permission, allows, parse_role
from handlers.services.alerts import ASSIGNED_ACTION, choose_counselor
from handlers.services.feature import FeatureService
from handlers.services.handoff.requests import HandoffRequests
from handlers.services.membership.timers import arm_membership_jobs
from handlers.views import membership as views
from handlers.views.membership_outcomes import (
    CheckoutProblem,
    Credited,
    CreditResult,
    Decided,
    Delivered,
    FeeChange,
    FeeLine,
    FeeProblem,
    Invoice,
    Offer,
    OfferKind,
    OfferProblem,
    RefundDecided,
    RefundOffer,
    RefundProblem,
    Standing,
)
from storage.repositories.membership import Membership, PromoRecord
from storage.repositories.payments import Order, Payment, Refund

REFUND_READ_ACTION = "refund.reason_read"


def promo_of(record: PromoRecord) -> PromoCode:
    """The domain's promo code from its row."""
    fixed = record.kind == PromoKind.FIXED.value
    currency = record.currency or ""
    value = from_minor(record.amount_minor or 0, currency) if fixed else from_minor(record.percent or 0, "JPY")
    return PromoCode(
        code=record.code,
        kind=PromoKind(record.kind),
        value=value,
        currency=record.currency,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        max_uses=record.max_uses,
        per_client=record.per_client,
        tiers=record.tiers,
    )


@dataclass
class MembershipDesk(FeatureService):
    @property
    def schedule(self) -> Schedule:
        return schedule()

    @property
    def currency(self) -> str:
        return self.settings.currency

    def provider(self, channel: Channel) -> Provider | None:
        """How a client on `channel` pays: Telegram Stars, a Telegram payment provider, the web chat's test
        provider (only in the embedded demo, without BOT_TOKEN), or not at all."""
        if channel is Channel.WEB:
            return Provider.TEST if not self.settings.uses_telegram else None
        if self.currency == STARS:
            return Provider.STARS
        return Provider.TELEGRAM if self.settings.payment_provider_token is not None else None

    # --- what the client has ------------------------------------------------------------------------------
    async def standing(self, client_id: UUID) -> Standing:
        membership = await self.uow.memberships.get(client_id)
        if membership is not None and membership.expires_at <= self.now():
            membership = None  # the expiry job has not run yet: the entitlements have ended all the same
        tier = self.schedule.tier(None if membership is None else membership.tier)
        return Standing(tier, membership, self.schedule.above(tier.code))

    # --- promo codes ---------------------------------------------------------------------------------------
    async def _promo(self, code: str | None) -> PromoRecord | None:
        return None if code is None else await self.uow.promo_codes.by_code(code)

    async def check_promo(self, client_id: UUID, typed: str) -> str | PromoProblem:
        """The code to keep in the chat's state when `typed` is a code the client may use now for some tier,
        else why not."""
        code = normalize_code(typed)
        if code is None:
            return PromoProblem.MALFORMED
        record = await self._promo(code)
        if record is None:
            return PromoProblem.UNKNOWN
        uses, mine = await self.uow.promo_codes.uses(record.id, client_id)
        problems = [
            promo_problem(promo_of(record), now=self.now(), tier=tier.code, uses=uses, client_uses=mine)
            for tier in self.schedule.paid()
        ]
        if None in problems:
            return code
        other = [problem for problem in problems if problem is not None and problem is not PromoProblem.NOT_FOR_TIER]
        return other[0] if other else PromoProblem.NOT_FOR_TIER

    # --- offers and quotes -------------------------------------------------------------------------------
    async def _list_price(self, tier: Tier, term: Term) -> tuple[int | None, int | None]:
        """(price id, amount in minor units) now: the price list's, else the schedule's seed."""
        price = await self.uow.prices.current(tier.code, term.value, self.currency, self.now())
        if price is not None:
            return price.id, price.amount_minor
        seed = tier.seed_price(self.currency, term)
        return None, None if seed is None else to_minor(seed, self.currency)

    async def _credit_for(self, standing: Standing, tier: Tier) -> int:
        """What the unused days of the client's paid periods of their current tier (the running one and any
        renewal after it) are worth towards the higher `tier`."""
        membership = standing.membership
        if membership is None or tier.rank <= standing.tier.rank:
            return 0
        credit = zero(self.currency)
        for payment in await self.uow.payments.list_for(membership.client_id):
            if payment.event_id is not None:  # a seat at an event: not a membership period
                continue
            if payment.tier != membership.tier or payment.currency != self.currency or payment.period_end <= self.now():
                continue
            paid = from_minor(payment.amount_minor - payment.refunded_minor, self.currency)
            credit += upgrade_credit(
                paid, self.currency, start=payment.period_start, end=payment.period_end, now=self.now()
            )
        return to_minor(credit, self.currency)

    async def _offer(
        self, client_id: UUID, standing: Standing, tier: Tier, term: Term, promo: PromoRecord | None
    ) -> Offer | OfferProblem:
        if term not in tier.terms() or tier.rank < standing.tier.rank:
            return OfferProblem.NOT_OFFERED
        price_id, amount = await self._list_price(tier, term)
        if amount is None:
            return OfferProblem.NO_PRICE
        kind = OfferKind.BUY
        if standing.membership is not None:
            kind = OfferKind.RENEW if tier.code == standing.tier.code else OfferKind.UPGRADE
        discount = zero(self.currency)
        promo_id = None
        if promo is not None:
            uses, mine = await self.uow.promo_codes.uses(promo.id, client_id)
            domain_promo = promo_of(promo)
            if promo_problem(domain_promo, now=self.now(), tier=tier.code, uses=uses, client_uses=mine) is None:
                discount = promo_discount(domain_promo, from_minor(amount, self.currency), self.currency)
                promo_id = promo.id if discount > 0 else None
        credit = from_minor(await self._credit_for(standing, tier), self.currency)
        priced = quote(from_minor(amount, self.currency), self.currency, discount=discount, credit=credit)
        return Offer(tier, term, kind, priced, price_id, promo_id)

    async def offers(self, client_id: UUID, promo_code: str | None = None) -> list[Offer]:
        """What the client may buy now (renew their tier, or a higher one), with the promo code applied."""
        standing = await self.standing(client_id)
        promo = await self._promo(promo_code)
        found = []
        for tier in self.schedule.paid():
            for term in tier.terms():
                offer = await self._offer(client_id, standing, tier, term, promo)
                if isinstance(offer, Offer):
                    found.append(offer)
        return found

    async def open_invoice(
        self, client_id: UUID, tier_code: str, term_code: str, promo_code: str | None, channel: Channel
    ) -> Invoice | OfferProblem:
        """An order for one offer (earlier open invoices go stale), to be sent as an invoice."""
        provider = self.provider(channel)
        if provider is None:
            return OfferProblem.PAYMENTS_OFF
        if not self.schedule.known(tier_code) or term_code not in {term.value for term in Term}:
            return OfferProblem.NOT_OFFERED
        offer = await self._offer(
            client_id,
            await self.standing(client_id),
            self.schedule.tier(tier_code),
            Term(term_code),
            await self._promo(promo_code),
        )
        if not isinstance(offer, Offer):
            return offer
        if offer.quote.total <= 0:
            return OfferProblem.FREE
        priced = offer.quote
        order = await self.uow.payments.open_order(
            client_id,
            tier=offer.tier.code,
            term=offer.term.value,
            currency=self.currency,
            list_minor=to_minor(priced.list_price, self.currency),
            discount_minor=to_minor(priced.discount, self.currency),
            credit_minor=to_minor(priced.credit, self.currency),
            total_minor=to_minor(priced.total, self.currency),
            price_id=offer.price_id,
            promo_id=offer.promo_id,
            now=self.now(),
        )
        return Invoice(order.id, payload_for(order.id), offer, provider)

    # --- the fee schedule, as finance edits it --------------------------------------------------------
    async def fee_table(self) -> list[FeeLine]:
        """Every paid offer's price now, in the agency's currency, and whether finance set it or it is the seed."""
        lines = []
        for tier in self.schedule.paid():
            for term in tier.terms():
                price = await self.uow.prices.current(tier.code, term.value, self.currency, self.now())
                seed = tier.seed_price(self.currency, term)
                amount = None if price is None else from_minor(price.amount_minor, self.currency)
                lines.append(FeeLine(tier, term, amount if price is not None else seed, price))
        return lines

    async def set_price(self, tier_code: str, term_code: str, typed: str, by: UUID | None) -> FeeChange | FeeProblem:
        """A new price from now on (a new row: what was quoted or paid keeps its price)."""
        tier = self.schedule.tier(tier_code.strip().lower())
        terms = {term.value: term for term in tier.terms()}
        term = terms.get(term_code.strip().lower())
        if tier.code != tier_code.strip().lower() or term is None:
            return FeeProblem.NO_SUCH_OFFER
        try:
            amount = parse_amount(typed, self.currency)
        except ValueError:
            return FeeProblem.BAD_AMOUNT
        if amount <= 0:
            return FeeProblem.BAD_AMOUNT
        before = next(line.amount for line in await self.fee_table() if line.tier == tier and line.term == term)
        await self.uow.prices.set(
            tier.code, term.value, self.currency, to_minor(amount, self.currency), valid_from=self.now(), by=by
        )
        return FeeChange(tier, term, before, amount, self.currency)

    async def create_promo(
        self, typed_code: str, typed_value: str, *, days: int | None, uses: int | None
    ) -> PromoRecord | FeeProblem:
        """A promo code from now on: `20%` off, or a fixed amount in the agency's currency."""
        code = normalize_code(typed_code)
        if code is None:
            return FeeProblem.BAD_CODE
        if await self.uow.promo_codes.by_code(code) is not None:
            return FeeProblem.CODE_EXISTS
        value = typed_value.strip()
        now = self.now()
        ends_at = None if days is None else now + timedelta(days=days)
        if value.endswith("%"):
            percent = value[:-1].strip()
            if not percent.isdigit() or not 1 <= int(percent) <= 100:
                return FeeProblem.BAD_AMOUNT
            return await self.uow.promo_codes.add(
                code,
                kind=PromoKind.PERCENT.value,
                percent=int(percent),
                starts_at=now,
                ends_at=ends_at,
                max_uses=uses,
                now=now,
            )
        try:
            amount = parse_amount(value, self.currency)
        except ValueError:
            return FeeProblem.BAD_AMOUNT
        if amount <= 0:
            return FeeProblem.BAD_AMOUNT
        return await self.uow.promo_codes.add(
            code,
            kind=PromoKind.FIXED.value,
            amount_minor=to_minor(amount, self.currency),
            currency=self.currency,
            starts_at=now,
            ends_at=ends_at,
            max_uses=uses,
            now=now,
        )

    async def mark_delivered(self, reference: str) -> Delivered:
        """Record that the engagement of the client whose id starts with `reference` was delivered (after that
        the refund policy gives nothing back for it)."""
        found = await self.uow.assignments.clients(reference=reference, limit=2)
        if len(found) != 1:
            return Delivered.NO_CLIENT
        membership = (await self.standing(found[0])).membership
        if membership is None or self.schedule.tier(membership.tier).billing is not Billing.ENGAGEMENT:
            return Delivered.NO_ENGAGEMENT
        done = await self.uow.memberships.mark_delivered(found[0], self.now())
        return Delivered.DONE if done else Delivered.ALREADY

    # --- before Telegram charges ------------------------------------------------------------------------
    async def order_for(self, payload: str, client_id: UUID | None, prefix: str = PAYLOAD_PREFIX) -> Order | None:
        """The order an invoice payload of `prefix` names, when it is `client_id`'s."""
        order_id = order_of(payload, prefix)
        order = None if order_id is None else await self.uow.payments.order(order_id)
        return order if order is not None and order.client_id == client_id else None

    async def checkout_problem(
        self, payload: str, client_id: UUID | None, *, currency: str, total_minor: int
    ) -> CheckoutProblem | None:
        """Why the charge must not go ahead (None: it may). The quote is made again now: a price, a promo code
        or the client's tier that changed since the invoice makes it stale."""
        order = await self.order_for(payload, client_id)
        if order is None or client_id is None:
            return CheckoutProblem.UNKNOWN
        if order.state != OrderState.OPEN.value:
            return CheckoutProblem.CLOSED
        if currency != order.currency or total_minor != order.total_minor or order.currency != self.currency:
            return CheckoutProblem.PRICE_CHANGED
        standing = await self.standing(client_id)
        tier = self.schedule.tier(order.tier)
        if tier.rank < standing.tier.rank:
            return CheckoutProblem.TIER_CHANGED
        promo = None if order.promo_id is None else await self.uow.promo_codes.get(order.promo_id)
        offer = await self._offer(client_id, standing, tier, Term(order.term), promo)
        if not isinstance(offer, Offer):
            return CheckoutProblem.TIER_CHANGED
        if order.promo_id is not None and offer.promo_id is None:
            return CheckoutProblem.PROMO_GONE
        now_minor = to_minor(offer.quote.total, self.currency), to_minor(offer.quote.list_price, self.currency)
        if now_minor != (order.total_minor, order.list_minor):
            return CheckoutProblem.PRICE_CHANGED
        return None

    # --- crediting ----------------------------------------------------------------------------------------
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
    ) -> Credited:
        """Credit a successful payment once: the membership, the promo code's use, the ledger, the renewal jobs.
        A charge seen before is a duplicate (nothing happens); money for an order we cannot match opens a
        payment problem for a counselor."""
        if await self.uow.payments.by_charge(charge_id) is not None:
            return Credited(CreditResult.DUPLICATE)
        order = await self.order_for(payload, client_id)
        if order is None or client_id is None or currency != order.currency or total_minor != order.total_minor:
            if client_id is not None:
                await self.open_payment_problem(client_id)
            return Credited(CreditResult.PROBLEM)
        now = self.now()
        tier = self.schedule.tier(order.tier)
        standing = await self.standing(client_id)
        renewing = standing.membership is not None and standing.tier.code == tier.code
        start = standing.membership.expires_at if renewing and standing.membership is not None else now
        end = add_months(start, tier.months(Term(order.term)))
        payment = await self.book_payment(
            order, provider=provider, charge_id=charge_id, provider_charge_id=provider_charge_id, start=start, end=end
        )
        if payment is None:
            return Credited(CreditResult.DUPLICATE)
        started = standing.membership.started_at if renewing and standing.membership is not None else now
        await self.uow.memberships.put(
            client_id, tier=tier.code, started_at=started, expires_at=end, payment_id=payment.id, now=now
        )
        await self._set_profile_tier(client_id, tier.code)
        if order.promo_id is not None:
            await self.uow.promo_codes.redeem(
                order.promo_id,
                client_id=client_id,
                payment_id=payment.id,
                currency=order.currency,
                discount_minor=order.discount_minor,
                now=now,
            )
        await arm_membership_jobs(self.uow, client_id, end, now=now)
        if tier.entitlements.dedicated_counselor:
            await self._dedicated_counselor(client_id, tier)
        return Credited(CreditResult.CREDITED, payment, tier, end)

    async def book_payment(
        self,
        order: Order,
        *,
        provider: Provider,
        charge_id: str,
        provider_charge_id: str | None,
        start: datetime,
        end: datetime,
    ) -> Payment | None:
        """Money received for `order`, in the books once per charge: the payment, the order closed as paid and
        the ledger's entries (the payment, and the list price given up to a promo code or an upgrade credit).
        None when the charge is booked already. What the money bought is the caller's (a membership period, a
        seat at an event)."""
        now = self.now()
        payment = await self.uow.payments.record(
            order,
            provider=provider.value,
            charge_id=charge_id,
            provider_charge_id=provider_charge_id,
            period_start=start,
            period_end=end,
            now=now,
        )
        if payment is None:
            return None
        await self.uow.payments.close_order(order.id, OrderState.PAID, now)
        ledger = self.uow.ledger
        common = {"currency": order.currency, "now": now, "client_id": order.client_id, "payment_id": payment.id}
        await ledger.append(LedgerKind.PAYMENT, amount_minor=order.total_minor, **common)  # type: ignore[arg-type]
        if order.discount_minor:
            await ledger.append(LedgerKind.PROMO_DISCOUNT, amount_minor=-order.discount_minor, **common)  # type: ignore[arg-type]
        if order.credit_minor:
            await ledger.append(LedgerKind.UPGRADE_CREDIT, amount_minor=-order.credit_minor, **common)  # type: ignore[arg-type]
        return payment

    async def _dedicated_counselor(self, client_id: UUID, tier: Tier) -> None:
        """A tier with a dedicated counselor: the client's counselor (the least loaded available one when they
        have none yet) hears that they are now this client's own."""
        if await self.uow.assignments.counselor_of(client_id) is None:
            counselor = await choose_counselor(self.uow)
            if counselor is None:
                return  # nobody available: a manager assigns one (the client is in /clients' unassigned list)
            await self.uow.assignments.assign(client_id, counselor, now=self.now(), by=None)
            await self.uow.audit.record(
                action=ASSIGNED_ACTION, now=self.now(), actor_account_id=None, subject_account_id=client_id
            )
        await self.notifier.to_assigned_counselor(
            client_id,
            lambda: views.dedicated_counselor_notice(client_id, tier),
            dedupe_key=f"dedicated:{client_id}:{self.now().isoformat()}",
        )

    async def pay_with_test_provider(self, payload: str, client_id: UUID | None) -> Credited | CheckoutProblem:
        """The web chat's test provider: the same check Telegram asks for before charging, then the same
        crediting as a successful payment (its charge id made from the order, so a second press is a duplicate).
        No money moves."""
        order = await self.order_for(payload, client_id)
        if order is None:
            return CheckoutProblem.UNKNOWN
        if await self.uow.payments.by_charge(f"test-{order.id.hex}") is not None:
            return Credited(CreditResult.DUPLICATE)
        problem = await self.checkout_problem(
            payload, client_id, currency=order.currency, total_minor=order.total_minor
        )
        if problem is not None:
            return problem
        return await self.credit(
            payload,
            client_id,
            charge_id=f"test-{order.id.hex}",
            provider_charge_id=None,
            provider=Provider.TEST,
            currency=order.currency,
            total_minor=order.total_minor,
        )

    async def cancel_invoice(self, payload: str, client_id: UUID | None) -> bool:
        """A failed (test) payment: the order is closed, nothing is charged."""
        order = await self.order_for(payload, client_id)
        return order is not None and await self.uow.payments.close_order(order.id, OrderState.CANCELLED, self.now())

    async def _set_profile_tier(self, client_id: UUID, tier: str) -> None:
        if await self.uow.profiles.get(client_id) is not None:
            await self.uow.profiles.update(client_id, now=self.now(), tier=tier)

    # --- expiry ---------------------------------------------------------------------------------------------
    async def expire(self, client_id: UUID, expires_at: datetime) -> bool:
        """End the membership that runs out at `expires_at` (not one renewed since): back to the free tier."""
        if not await self.uow.memberships.end(client_id, expires_at=expires_at):
            return False
        await self._set_profile_tier(client_id, self.schedule.free.code)
        return True

    # --- payment problems ---------------------------------------------------------------------------------
    async def open_payment_problem(self, client_id: UUID) -> Handoff:
        """Hand the client to a counselor about a payment (money taken for something we cannot match, or a
        complaint about money); an already open handoff is reused."""
        return await HandoffRequests.beside(self).open(client_id, HandoffReason.PAYMENT)

    # --- refunds --------------------------------------------------------------------------------------------
    async def refund_offer(self, client_id: UUID) -> RefundOffer | RefundProblem:
        """What the refund policy gives back on the client's latest payment, or why there is nothing to ask."""
        payment = await self.uow.payments.latest_of(client_id)
        if payment is None:
            return RefundProblem.NOTHING_PAID
        refunds = await self.uow.payments.refunds_of(payment.id)
        if any(refund.state == RefundState.REQUESTED.value for refund in refunds):
            return RefundProblem.ALREADY_ASKED
        if payment.refunded_minor > 0 or any(refund.state == RefundState.APPROVED.value for refund in refunds):
            return RefundProblem.REFUNDED
        membership = await self.uow.memberships.get(client_id)
        delivered = (
            membership is not None and membership.payment_id == payment.id and membership.delivered_at is not None
        )
        decision = refund_due(
            from_minor(payment.amount_minor, payment.currency),
            payment.currency,
            paid_at=payment.paid_at,
            start=payment.period_start,
            end=payment.period_end,
            now=self.now(),
            full_refund_days=self.settings.refund_full_days,
            delivered=delivered,
        )
        if decision.amount <= 0:
            return RefundProblem.NOTHING_DUE
        return RefundOffer(payment, decision)

    async def request_refund(self, client_id: UUID, reason: str) -> Refund | RefundProblem:
        """Record the request (the reason sealed) and tell finance, with buttons to decide."""
        offer = await self.refund_offer(client_id)
        if not isinstance(offer, RefundOffer):
            return offer
        return await self.file_refund(
            offer.payment,
            reason=reason,
            amount_minor=to_minor(offer.decision.amount, offer.payment.currency),
            rule=offer.decision.rule,
        )

    async def file_refund(self, payment: Payment, *, reason: str | None, amount_minor: int, rule: RefundRule) -> Refund:
        """A refund request for finance's decision (`/refunds`, and a message with buttons to each finance
        member): the client's own request, or one the agency owes (a seat at an event given up in time, an
        event called off)."""
        refund = await self.uow.payments.request_refund(
            payment, reason=reason, amount_minor=amount_minor, rule=rule.value, now=self.now()
        )
        for member in await self.uow.staff.list():
            role = parse_role(member.role)
            if allows(role, Permission.RECORD_PAYMENTS):
                await self.notifier.to_client(
                    member.account_id,
                    lambda: views.refund_request_for_finance(refund, payment),
                    dedupe_key=f"refund:{refund.id}:{member.account_id}",
                )
        return refund

    async def pending_refunds_with_reasons(
        self, reader: UUID | None
    ) -> list[tuple[Refund, Payment | None, str | None]]:
        """The waiting requests with their reasons; each reading of a client's words is written to the audit log."""
        found = []
        for refund in await self.uow.payments.pending_refunds():
            reason = await self.uow.payments.refund_reason(refund)
            await self.uow.audit.record(
                action=REFUND_READ_ACTION, now=self.now(), actor_account_id=reader, subject_account_id=refund.client_id
            )
            found.append((refund, await self.uow.payments.get(refund.payment_id), reason))
        return found

    async def decide_refund(self, refund_id: UUID, *, approve: bool, by: UUID | None) -> RefundDecided:
        """Finance's decision, once. Approved: the payment's refunded amount, a ledger entry, the membership
        ended (not for a seat at an event: that payment bought no membership period); a Stars payment's charge
        id is returned for refundStarPayment, a provider's refund is made at the provider. The client hears the
        decision either way."""
        refund = await self.uow.payments.refund(refund_id)
        if refund is None:
            return RefundDecided(Decided.UNKNOWN)
        state = RefundState.APPROVED if approve else RefundState.DECLINED
        now = self.now()
        if not await self.uow.payments.decide_refund(refund.id, state, by=by, now=now):
            return RefundDecided(Decided.ALREADY, refund)
        payment = await self.uow.payments.get(refund.payment_id)
        stars_charge = external = None
        ended = False
        if approve and payment is not None:
            await self.uow.payments.add_refunded(payment.id, refund.amount_minor)
            await self.uow.ledger.append(
                LedgerKind.REFUND,
                currency=refund.currency,
                amount_minor=-refund.amount_minor,
                now=now,
                client_id=refund.client_id,
                payment_id=payment.id,
                refund_id=refund.id,
                made_by=by,  # the finance member who approved it
            )
            membership = await self.uow.memberships.get(refund.client_id)
            if payment.event_id is None and membership is not None and membership.payment_id == payment.id:
                await self._take_back(membership, payment)
            ended = payment.event_id is None and await self.uow.memberships.get(refund.client_id) is None
            if payment.provider == Provider.STARS.value:
                charges = await self.uow.payments.charge_ids(payment.id)
                account = await self.uow.accounts.get(refund.client_id)
                if charges is not None and account is not None and account.external_id is not None:
                    stars_charge, external = charges[0], account.external_id
        await self.notifier.to_client(
            refund.client_id,
            lambda: views.refund_decided_for_client(refund, approved=approve, ended=ended),
            dedupe_key=f"refund-decided:{refund.id}",
        )
        return RefundDecided(Decided.APPROVED if approve else Decided.DECLINED, refund, stars_charge, external)

    async def _take_back(self, membership: Membership, payment: Payment) -> None:
        """The refunded payment's period leaves the membership: a renewal not begun yet is cut off (the running
        period stays, its timers armed again), anything else ends the membership."""
        now = self.now()
        if payment.period_start > now and payment.period_start > membership.started_at:
            await self.uow.memberships.put(
                membership.client_id,
                tier=membership.tier,
                started_at=membership.started_at,
                expires_at=payment.period_start,
                payment_id=None,
                now=now,
            )
            await arm_membership_jobs(self.uow, membership.client_id, payment.period_start, now=now)
        else:
            await self.expire(membership.client_id, membership.expires_at)

    # --- reminders ----------------------------------------------------------------------------------------
    async def membership_for_job(self, client_id: UUID, expires_at: datetime) -> Membership | None:
        """The membership a reminder or expiry job was armed for, if it still runs out then."""
        membership = await self.uow.memberships.get(client_id)
        return membership if membership is not None and membership.expires_at == expires_at else None


async def card_line(service: FeatureService, client_id: UUID) -> str:
    """The client's tier and its expiry, for a counselor's card (another feature's unit of work)."""
    desk = MembershipDesk(uow=service.uow, settings=service.settings, clock=service.clock, i18n=service.i18n)
    return views.card_line(await desk.standing(client_id), service.settings.timezone)
