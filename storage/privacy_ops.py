"""What a client may ask of their data: a full export, and deletion by crypto-shredding.

Both run inside the caller's unit of work, so the client journey can audit them in the same transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import Table, delete, or_, select, update

from domain.membership.money import from_minor
from storage.errors import NotFoundError
from storage.fsm import FSM_STATES, forget_cached_rows, fsm_key_index
from storage.models import metadata
from storage.models.accounts import AccountRow
from storage.models.base import SHRED_WITH_ACCOUNT
from storage.models.fsm import FsmStateRow
from storage.models.membership import PaymentOrderRow
from storage.repositories.complaints import ComplaintsRepository
from storage.repositories.events import EventsRepository
from storage.repositories.hiring import HiringRepository
from storage.repositories.profiles import forget_profile_rows
from storage.session import transaction_cache
from storage.unit_of_work import UnitOfWork

EXPORT_FORMAT = "yuelao-export/1"


def account_data_tables() -> list[tuple[Table, list[str]]]:
    """Tables holding rows that belong to an account, children before parents, with their owner columns."""
    owned: list[tuple[Table, list[str]]] = []
    for table in reversed(metadata.sorted_tables):
        columns = [column.name for column in table.columns if column.info.get(SHRED_WITH_ACCOUNT) is True]
        if columns:
            owned.append((table, columns))
    return owned


async def shred_account(
    uow: UnitOfWork, account_id: UUID, now: datetime, *, fsm_keys: Iterable[StorageKey] = ()
) -> None:
    """Delete an account for good: destroy its data key first, then delete every row that is its data.

    What is left: a tombstone account row (id, channel, locale, created_at, deleted_at; no external id,
    no blind index), the destroyed data-key row (no key) and audit entries whose sealed reasons can no
    longer be opened. FSM rows are deleted when tagged with the account (see storage/fsm.py) or named by
    `fsm_keys`. Idempotent. On SQLite the WAL is checkpointed after the unit of work commits.
    """
    session = uow.session
    await session.flush()
    account = await session.get(AccountRow, account_id)
    if account is None:
        raise NotFoundError("account", account_id)
    await uow.keys.destroy(account_id, now)
    for table, columns in account_data_tables():
        await session.execute(delete(table).where(or_(*(table.c[name] == account_id for name in columns))))
    indexes = [fsm_key_index(uow.context.crypto, key) for key in fsm_keys]
    if indexes:
        await session.execute(delete(FsmStateRow).where(FsmStateRow.key_index.in_(indexes)))
    forget_cached_rows(session)
    forget_profile_rows(session)
    transaction_cache(session).live_accounts.discard(account_id)
    await session.execute(
        update(AccountRow)
        .where(AccountRow.id == account_id)
        .values(
            external_id=None,
            external_id_index=None,
            last_seen_at=None,
            unreachable=False,
            unreachable_since=None,
            deleted_at=account.deleted_at or now,
        )
    )
    session.expunge_all()
    uow.shredded.add(account_id)


async def export_account(uow: UnitOfWork, account_id: UUID) -> dict[str, object]:
    """Everything we hold about one account, decrypted, as a JSON-serialisable dict."""
    account = await uow.accounts.require(account_id)
    staff = await uow.staff.get(account_id)
    audit = await uow.audit.list_for_subject(account_id, limit=None)
    fsm_rows = (
        await uow.session.scalars(
            select(FsmStateRow).where(FsmStateRow.account_id == account_id).order_by(FsmStateRow.updated_at)
        )
    ).all()
    dates = await uow.dates.list_for(account_id)
    feedback = [await uow.dates.feedback(date.id, account_id) for date in dates]
    crypto, system_key = uow.context.crypto, uow.context.system_key
    conversation = [FSM_STATES.decode(crypto, system_key, row) for row in fsm_rows]
    export: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "account": _plain(account),
        "consents": _plain(await uow.consents.list_for(account_id)),
        "client_profile": _plain(await uow.profiles.get(account_id)),
        "partner_preferences": _plain(await uow.preferences.get(account_id)),
        "photos": _plain(await uow.photos.list_for(account_id)),
        "staff_member": _plain(staff),
        "suggestions_shown_to_me": _plain(await uow.suggestions.list_for_asker(account_id)),
        "introductions": _plain(await uow.introductions.list_for(account_id)),
        "reports_i_made": _plain(await uow.reports.list_by(account_id)),
        "complaints_i_made": _plain(await ComplaintsRepository.of(uow).list_by(account_id)),
        "case_stages": _plain(await uow.case_stages.history(account_id)),
        "dates": _plain(dates),
        "date_feedback_i_gave": _plain([f for f in feedback if f is not None]),
        "counselor": _plain(await uow.assignments.get(account_id)),
        "counselor_notes": _plain(await uow.notes.list_for(account_id)),
        "handoffs": _plain(await uow.handoffs.for_client(account_id)),
        "handoff_transcript": _plain(await uow.handoffs.transcript_for_client(account_id)),
        "web_chat": _plain(await uow.webchat.load(account_id)),
        **await _money(uow, account_id),
        **await EventsRepository.of(uow).export(account_id),
        **await HiringRepository.of(uow).export(account_id),
        "matching_learned": _plain(await uow.match_learning.export(account_id)),
        "audit_log": _plain(audit),
        "conversation_state": [
            {"state": entry.state, "data": _plain(entry.data or {}), "updated_at": _plain(entry.updated_at)}
            for entry in conversation
        ],
    }
    return export


async def _money(uow: UnitOfWork, account_id: UUID) -> dict[str, Any]:
    """The client's membership, orders, payments and refunds: amounts in the currency's units (and the minor
    units Telegram uses), dates, tiers, and the sealed charge ids and refund reasons opened for the owner. Who
    on the staff decided a refund is the agency's record, not the client's."""
    orders = (
        await uow.session.scalars(
            select(PaymentOrderRow).where(PaymentOrderRow.client_id == account_id).order_by(PaymentOrderRow.created_at)
        )
    ).all()
    payments, refunds = [], []
    for payment in await uow.payments.list_for(account_id):
        charge_ids = await uow.payments.charge_ids(payment.id)
        charge, provider_charge = charge_ids if charge_ids is not None else (None, None)
        payments.append(
            {
                "id": str(payment.id),
                "order_id": str(payment.order_id),
                "tier": payment.tier,
                "provider": payment.provider,
                "currency": payment.currency,
                "amount": _amount(payment.amount_minor, payment.currency),
                "amount_minor": payment.amount_minor,
                "refunded": _amount(payment.refunded_minor, payment.currency),
                "period_start": _plain(payment.period_start),
                "period_end": _plain(payment.period_end),
                "paid_at": _plain(payment.paid_at),
                "charge_id": charge,
                "provider_charge_id": provider_charge,
            }
        )
        for refund in await uow.payments.refunds_of(payment.id):
            refunds.append(
                {
                    "id": str(refund.id),
                    "payment_id": str(refund.payment_id),
                    "currency": refund.currency,
                    "amount": _amount(refund.amount_minor, refund.currency),
                    "amount_minor": refund.amount_minor,
                    "rule": refund.rule,
                    "state": refund.state,
                    "requested_at": _plain(refund.requested_at),
                    "decided_at": _plain(refund.decided_at),
                    "reason": await uow.payments.refund_reason(refund),
                }
            )
    return {
        "membership": _plain(await uow.memberships.get(account_id)),
        "payment_orders": [
            {
                "id": str(order.id),
                "tier": order.tier,
                "term": order.term,
                "currency": order.currency,
                "list_price": _amount(order.list_minor, order.currency),
                "discount": _amount(order.discount_minor, order.currency),
                "upgrade_credit": _amount(order.credit_minor, order.currency),
                "total": _amount(order.total_minor, order.currency),
                "state": order.state,
                "created_at": _plain(order.created_at),
                "closed_at": _plain(order.closed_at),
            }
            for order in orders
        ],
        "payments": payments,
        "refunds": refunds,
    }


def _amount(minor: int, currency: str) -> str:
    """An exact amount in the currency's units ("449.10"; whole stars for XTR)."""
    return str(from_minor(minor, currency))


def _plain(value: Any) -> Any:
    """Records, UUIDs and dates as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value
