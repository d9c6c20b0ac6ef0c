"""The ledger: every money movement, appended and never changed.

There is deliberately no method to update or delete an entry (a test checks this, and the database refuses
both with a trigger, migration 0011); a mistake is corrected by `reverse`, a new entry with the amount negated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import func, select

from domain.finance.accounts import Category, Source
from domain.membership.states import LedgerKind
from storage.models.membership import LedgerEntryRow
from storage.repositories.base import Repository


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    kind: str
    client_id: UUID | None
    payment_id: UUID | None
    refund_id: UUID | None
    reverses_id: int | None
    currency: str
    amount_minor: int
    created_at: datetime
    booked_on: date
    category: str | None
    channel_id: int | None
    source: str
    made_by: UUID | None


def _entry(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(
        row.id,
        row.kind,
        row.client_id,
        row.payment_id,
        row.refund_id,
        row.reverses_id,
        row.currency,
        row.amount_minor,
        row.created_at,
        row.booked_on,
        row.category,
        row.channel_id,
        row.source,
        row.made_by,
    )


# Money that moves has a category; what a quote gave up (promo discount, upgrade credit) has none.
DEFAULT_CATEGORIES = {LedgerKind.PAYMENT: Category.INCOME, LedgerKind.REFUND: Category.REFUNDS}


class LedgerRepository(Repository):
    async def append(
        self,
        kind: LedgerKind,
        *,
        currency: str,
        amount_minor: int,
        now: datetime,
        client_id: UUID | None = None,
        payment_id: UUID | None = None,
        refund_id: UUID | None = None,
        booked_on: date | None = None,
        category: Category | None = None,
        channel_id: int | None = None,
        source: Source | None = None,
        made_by: UUID | None = None,
    ) -> LedgerEntry:
        """A new entry, booked on `booked_on` (default: the day of `now`); its source defaults to the refund or
        payment it belongs to. An expense needs its category and source (finance, docs/finance.md)."""
        if kind is LedgerKind.REVERSAL:
            raise ValueError("a reversal is written by reverse()")
        if kind is LedgerKind.EXPENSE and (category is None or source is None):
            raise ValueError("an expense needs a category and a source")
        if source is None:
            source = Source.REFUND if kind is LedgerKind.REFUND or refund_id is not None else Source.PAYMENT
        if category is None:
            category = DEFAULT_CATEGORIES.get(kind)
        return await self._add(
            LedgerEntryRow(
                kind=kind.value,
                client_id=client_id,
                payment_id=payment_id,
                refund_id=refund_id,
                currency=currency,
                amount_minor=amount_minor,
                created_at=now,
                booked_on=booked_on or now.date(),
                category=None if category is None else category.value,
                channel_id=channel_id,
                source=source.value,
                made_by=made_by,
            )
        )

    async def reverse(
        self, entry_id: int, *, now: datetime, booked_on: date | None = None, made_by: UUID | None = None
    ) -> LedgerEntry:
        """Cancel an entry with a new one of the opposite amount (once per entry), in the same category and
        channel, booked on `booked_on` (default: the day of `now`; a closed month's entry is reversed later)."""
        original = await self._session.get(LedgerEntryRow, entry_id)
        if original is None:
            raise LookupError(f"no ledger entry {entry_id}")
        return await self._add(
            LedgerEntryRow(
                kind=LedgerKind.REVERSAL.value,
                client_id=original.client_id,
                payment_id=original.payment_id,
                refund_id=original.refund_id,
                reverses_id=original.id,
                currency=original.currency,
                amount_minor=-original.amount_minor,
                created_at=now,
                booked_on=booked_on or now.date(),
                category=original.category,
                channel_id=original.channel_id,
                source=original.source,
                made_by=made_by,
            )
        )

    async def _add(self, row: LedgerEntryRow) -> LedgerEntry:
        self._session.add(row)
        await self._session.flush()
        return _entry(row)

    async def entries(self, *, payment_id: UUID | None = None, client_id: UUID | None = None) -> list[LedgerEntry]:
        query = select(LedgerEntryRow).order_by(LedgerEntryRow.id)
        if payment_id is not None:
            query = query.where(LedgerEntryRow.payment_id == payment_id)
        if client_id is not None:
            query = query.where(LedgerEntryRow.client_id == client_id)
        return [_entry(row) for row in (await self._session.scalars(query)).all()]

    async def total(self, currency: str, kinds: tuple[LedgerKind, ...]) -> int:
        """The sum of the entries of `kinds` in `currency` (with their reversals)."""
        reversed_kinds = select(LedgerEntryRow.id).where(LedgerEntryRow.kind.in_([k.value for k in kinds]))
        amount = await self._session.scalar(
            select(func.coalesce(func.sum(LedgerEntryRow.amount_minor), 0)).where(
                LedgerEntryRow.currency == currency,
                LedgerEntryRow.kind.in_([k.value for k in kinds]) | LedgerEntryRow.reverses_id.in_(reversed_kinds),
            )
        )
        return int(amount or 0)
