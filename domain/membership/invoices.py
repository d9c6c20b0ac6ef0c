"""What Telegram's sendInvoice accepts, and the invoice payload that names an order.

The payload carries only the order's id (no personal data, no price): everything else is read back from the
order row and checked again when Telegram asks before charging (pre_checkout_query).
"""

from __future__ import annotations

from uuid import UUID

from domain.membership.money import STARS

TITLE_LIMIT = 32  # characters
DESCRIPTION_LIMIT = 255  # characters
PAYLOAD_LIMIT = 128  # bytes
PAYLOAD_PREFIX = "ms1:"  # membership, payload version 1
EVENT_PAYLOAD_PREFIX = "ev1:"  # a seat at an offline event, payload version 1


def payload_for(order_id: UUID, prefix: str = PAYLOAD_PREFIX) -> str:
    return prefix + order_id.hex


def is_event_payload(payload: str) -> bool:
    """Whether an invoice payload is for an event's seat: the payment updates are routed by it before any
    order is read."""
    return payload.startswith(EVENT_PAYLOAD_PREFIX)


def order_of(payload: str, prefix: str = PAYLOAD_PREFIX) -> UUID | None:
    """The order an invoice payload of `prefix` names, or None for anything we did not make."""
    if not payload.startswith(prefix) or len(payload.encode()) > PAYLOAD_LIMIT:
        return None
    text = payload[len(prefix) :]
    if len(text) != 32:
        return None
    try:
        return UUID(hex=text)
    except ValueError:
        return None


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis when longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def invoice_problems(
    *, title: str, description: str, payload: str, currency: str, provider_token: str, amounts: list[int]
) -> list[str]:
    """Why Telegram would refuse this invoice (empty when it would accept it)."""
    problems = []
    if not 1 <= len(title) <= TITLE_LIMIT:
        problems.append(f"title must be 1-{TITLE_LIMIT} characters")
    if not 1 <= len(description) <= DESCRIPTION_LIMIT:
        problems.append(f"description must be 1-{DESCRIPTION_LIMIT} characters")
    if not 1 <= len(payload.encode()) <= PAYLOAD_LIMIT:
        problems.append(f"payload must be 1-{PAYLOAD_LIMIT} bytes")
    if not amounts or any(amount <= 0 for amount in amounts):
        problems.append("prices must be positive")
    if currency == STARS and (len(amounts) != 1 or provider_token):
        problems.append("Telegram Stars take exactly one price and no provider token")
    if currency != STARS and not provider_token:
        problems.append("a provider token is needed for a currency other than Telegram Stars")
    return problems
