"""Membership: each client's current tier, the price list with its history, promo codes and their use,
invoices (orders), payments, refunds and the ledger.

Money is kept in the currency's minor units (integers; `domain.membership.money`). Telegram's charge ids are
payment details: sealed under the client's key, with a unique blind index so a charge is credited once even
when its update arrives twice or on two instances. Payments, refunds and the ledger are the agency's books:
they survive the client's deletion (their references to the account stay, the sealed details become
unreadable); the ledger holds no personal data and is never updated or deleted.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.finance.accounts import CATEGORIES, SOURCES
from domain.membership.states import (
    LEDGER_KINDS,
    ORDER_STATES,
    ORDER_TERMS,
    PROMO_KINDS,
    PROVIDERS,
    REFUND_STATES,
    TERMS,
)
from storage.choices import TIERS
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, blind_index_of, choice_check, sealed

CHARGE_INDEX = "payment_charge_id"


class MembershipRow(Base):
    """A client's paid membership now: the tier and until when (the free tier has no row)."""

    __tablename__ = "memberships"
    __table_args__ = (CheckConstraint(choice_check("tier", TIERS), name="tier"),)

    client_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    tier: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    payment_id: Mapped[UUID | None] = mapped_column(ForeignKey("payments.id"))  # what bought the current period
    delivered_at: Mapped[datetime | None]  # an engagement's service delivered (no refund after)
    updated_at: Mapped[datetime]


class MembershipPriceRow(Base):
    """One price from a moment on; the newest row not in the future is the price. Never changed afterwards."""

    __tablename__ = "membership_prices"
    __table_args__ = (
        CheckConstraint(choice_check("tier", TIERS), name="tier"),
        CheckConstraint(choice_check("term", TERMS), name="term"),
        CheckConstraint("amount_minor > 0", name="amount"),
        Index("ix_membership_prices_offer", "tier", "term", "currency", "valid_from"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    tier: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(12))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[datetime]
    set_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)


class PromoCodeRow(Base):
    __tablename__ = "promo_codes"
    __table_args__ = (
        CheckConstraint(choice_check("kind", PROMO_KINDS), name="kind"),
        CheckConstraint(
            "(kind = 'percent' AND percent BETWEEN 1 AND 100 AND amount_minor IS NULL)"
            " OR (kind = 'fixed' AND amount_minor > 0 AND currency IS NOT NULL)",
            name="value",
        ),
        CheckConstraint("per_client >= 1 AND (max_uses IS NULL OR max_uses >= 1)", name="limits"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    percent: Mapped[int | None] = mapped_column(Integer)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    max_uses: Mapped[int | None] = mapped_column(Integer)
    per_client: Mapped[int] = mapped_column(Integer, default=1)
    tiers: Mapped[str] = mapped_column(String(64), default="")  # comma-separated; empty: every paid tier
    created_at: Mapped[datetime]


class PaymentOrderRow(Base):
    """An invoice sent to a client: what they were quoted. Its id is the invoice payload. A seat at an offline
    event is an order of term `event` naming the event (`event_id`); `tier` is the tier whose price it is."""

    __tablename__ = "payment_orders"
    __table_args__ = (
        CheckConstraint(choice_check("tier", TIERS), name="tier"),
        CheckConstraint(choice_check("term", ORDER_TERMS), name="term"),
        CheckConstraint(choice_check("state", ORDER_STATES), name="state"),
        CheckConstraint(
            "list_minor >= 0 AND discount_minor >= 0 AND credit_minor >= 0 AND total_minor > 0"
            " AND list_minor = discount_minor + credit_minor + total_minor",
            name="amounts",
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    tier: Mapped[str] = mapped_column(String(16))
    term: Mapped[str] = mapped_column(String(12))
    currency: Mapped[str] = mapped_column(String(3))
    list_minor: Mapped[int] = mapped_column(BigInteger)
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    credit_minor: Mapped[int] = mapped_column(BigInteger)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    price_id: Mapped[int | None] = mapped_column(ForeignKey("membership_prices.id"))
    promo_id: Mapped[UUID | None] = mapped_column(ForeignKey("promo_codes.id"), index=True)
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    event_id: Mapped[UUID | None] = mapped_column(ForeignKey("events.id"), index=True)  # a seat's order (0024)


class PaymentRow(Base):
    """Money received for an order: credited once per Telegram charge."""

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint(choice_check("provider", PROVIDERS), name="provider"),
        CheckConstraint(choice_check("tier", TIERS), name="tier"),
        CheckConstraint("amount_minor > 0 AND refunded_minor >= 0 AND refunded_minor <= amount_minor", name="amounts"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    order_id: Mapped[UUID] = mapped_column(ForeignKey("payment_orders.id"), unique=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    provider: Mapped[str] = mapped_column(String(12))
    tier: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    charge_id: Mapped[bytes] = sealed(TEXT, nullable=False)
    charge_id_index: Mapped[bytes | None] = blind_index_of("charge_id", CHARGE_INDEX, unique=True)
    provider_charge_id: Mapped[bytes | None] = sealed(TEXT)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    paid_at: Mapped[datetime]
    # A seat at an offline event (0024): not a membership period, so never credited towards an upgrade nor
    # taken back from a membership when refunded. Its period is the payment to the event's start.
    event_id: Mapped[UUID | None] = mapped_column(ForeignKey("events.id"), index=True)


class RefundRow(Base):
    """A client's request for their money back, and finance's decision."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint(choice_check("state", REFUND_STATES), name="state"),
        CheckConstraint("amount_minor >= 0", name="amount"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    payment_id: Mapped[UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    reason: Mapped[bytes | None] = sealed(TEXT)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # what the policy gives back, as of the request
    rule: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))
    requested_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)


class PromoRedemptionRow(Base):
    """A promo code used on a paid order (counted against the code's limits)."""

    __tablename__ = "promo_redemptions"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    promo_id: Mapped[UUID] = mapped_column(ForeignKey("promo_codes.id"), index=True)
    client_id: Mapped[UUID] = account_reference(shred_with_account=False)
    payment_id: Mapped[UUID] = mapped_column(ForeignKey("payments.id"), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    discount_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class LedgerEntryRow(Base):
    """One money movement, written once and never changed or deleted (a correction is a reversal entry).

    The signs are the agency's: a payment is positive, a refund negative; a promo discount or an upgrade credit
    is the negative part of the list price given up (no money moves). No personal data.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(choice_check("kind", LEDGER_KINDS), name="kind"),
        CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal"),
        CheckConstraint(choice_check("category", CATEGORIES), name="category"),
        CheckConstraint(choice_check("source", SOURCES), name="source"),
        CheckConstraint("kind <> 'expense' OR category IS NOT NULL", name="expense_category"),
        # Finance's monthly reports read only this index (totals per category, channel and tier of a month).
        Index(
            "ix_ledger_entries_report", "booked_on", "category", "currency", "channel_id", "payment_id", "amount_minor"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    payment_id: Mapped[UUID | None] = mapped_column(ForeignKey("payments.id"), index=True)
    refund_id: Mapped[UUID | None] = mapped_column(ForeignKey("refunds.id"))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    # Finance (migration 0015): the day it counts for, what it is for, where it came from and who made it.
    booked_on: Mapped[date]
    category: Mapped[str | None] = mapped_column(String(16))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("acquisition_channels.id"))
    source: Mapped[str] = mapped_column(String(16))
    made_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
