"""What the membership desk answers: plain values the views render (here, below the services that make them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.membership.pricing import Quote, RefundDecision
from domain.membership.schedule import Term, Tier
from domain.membership.states import Provider
from storage.repositories.membership import Membership, Price
from storage.repositories.payments import Payment, Refund


class OfferKind(StrEnum):
    BUY = "buy"  # from the free tier
    RENEW = "renew"  # the same tier, from the current expiry
    UPGRADE = "upgrade"  # a higher tier now, the unused days credited


@dataclass(frozen=True)
class Offer:
    tier: Tier
    term: Term
    kind: OfferKind
    quote: Quote
    price_id: int | None
    promo_id: UUID | None


@dataclass(frozen=True)
class Standing:
    """A client's membership now: the tier they are entitled to, and the paid period if any."""

    tier: Tier
    membership: Membership | None
    next_tier: Tier | None


class OfferProblem(StrEnum):
    NOT_OFFERED = "not_offered"  # no such tier or term, or a lower tier while a higher one runs
    NO_PRICE = "no_price"  # no price in the agency's currency
    FREE = "free"  # nothing left to pay (a promo or credit covers it all)
    PAYMENTS_OFF = "payments_off"  # no way to pay on this channel


class CheckoutProblem(StrEnum):
    UNKNOWN = "unknown"  # a payload we did not make, or someone else's
    CLOSED = "closed"  # paid already, or replaced by a newer invoice
    PRICE_CHANGED = "price_changed"
    PROMO_GONE = "promo_gone"
    TIER_CHANGED = "tier_changed"


class CreditResult(StrEnum):
    CREDITED = "credited"
    DUPLICATE = "duplicate"  # this charge was credited before
    PROBLEM = "problem"  # money came for an order we cannot match: a counselor takes it


@dataclass(frozen=True)
class Invoice:
    order_id: UUID
    payload: str
    offer: Offer
    provider: Provider


@dataclass(frozen=True)
class Credited:
    result: CreditResult
    payment: Payment | None = None
    tier: Tier | None = None
    expires_at: datetime | None = None


class RefundProblem(StrEnum):
    NOTHING_PAID = "nothing_paid"
    ALREADY_ASKED = "already_asked"
    NOTHING_DUE = "nothing_due"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class RefundOffer:
    payment: Payment
    decision: RefundDecision


class Decided(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    ALREADY = "already"  # decided before (another finance member, or a second press)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RefundDecided:
    result: Decided
    refund: Refund | None = None
    stars_charge: str | None = None  # Telegram's charge id, for refundStarPayment
    client_external_id: str | None = None


@dataclass(frozen=True)
class FeeLine:
    """One offer's price now: `amount` None when it has no price in the agency's currency; `price` None when it
    is the schedule's seed (nobody set one yet)."""

    tier: Tier
    term: Term
    amount: Decimal | None
    price: Price | None


@dataclass(frozen=True)
class FeeChange:
    tier: Tier
    term: Term
    before: Decimal | None
    after: Decimal
    currency: str


class FeeProblem(StrEnum):
    NO_SUCH_OFFER = "no_such_offer"
    BAD_AMOUNT = "bad_amount"
    BAD_CODE = "bad_code"
    CODE_EXISTS = "code_exists"


class Delivered(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NO_CLIENT = "no_client"  # no client, or more than one, with that reference
    NO_ENGAGEMENT = "no_engagement"  # the client has no running engagement
