"""The codes membership rows keep in the clear (they back the tables' CHECK constraints)."""

from __future__ import annotations

from enum import StrEnum


class OrderState(StrEnum):
    OPEN = "open"  # an invoice was sent; nothing paid yet
    PAID = "paid"
    CANCELLED = "cancelled"  # replaced by a newer order, or failed


class Provider(StrEnum):
    TELEGRAM = "telegram"  # a payment provider through Telegram (PAYMENT_PROVIDER_TOKEN)
    STARS = "stars"  # Telegram Stars
    TEST = "test"  # the web chat's test provider: no money moves


class RefundState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # approved and paid back (Stars) or to be paid back by the provider
    DECLINED = "declined"


class LedgerKind(StrEnum):
    PAYMENT = "payment"  # money received (+)
    REFUND = "refund"  # money given back (-)
    PROMO_DISCOUNT = "promo_discount"  # price given up for a promo code (-, no money moves)
    UPGRADE_CREDIT = "upgrade_credit"  # unused days counted towards an upgrade (-, no money moves)
    REVERSAL = "reversal"  # cancels an earlier entry (its amount negated)
    EXPENSE = "expense"  # money the agency spent (-), in a finance category (domain.finance.accounts)


ORDER_STATES = tuple(state.value for state in OrderState)
PROVIDERS = tuple(provider.value for provider in Provider)
REFUND_STATES = tuple(state.value for state in RefundState)
LEDGER_KINDS = tuple(kind.value for kind in LedgerKind)
PROMO_KINDS = ("percent", "fixed")
TERMS = ("1", "3", "12", "engagement")
EVENT_TERM = "event"  # an order for a seat at an offline event (its `event_id`), not a membership period
ORDER_TERMS = (*TERMS, EVENT_TERM)
