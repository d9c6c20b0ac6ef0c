"""Finance's reads and writes on the ledger: expenses (written through `LedgerRepository.append`, the one
ledger) with their sealed note and receipt, totals per category and per advertising channel for a period,
and month-end close with the totals it carries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import case, func, literal, select

from domain.finance.accounts import SEATS_AT_EVENTS, Category, Source
from domain.finance.periods import next_month
from domain.membership.states import LedgerKind
from storage.models.finance import ClosedPeriodRow, ExpenseDetailRow, PeriodTotalRow
from storage.models.membership import LedgerEntryRow, PaymentRow
from storage.repositories.base import Repository, RepositoryContext
from storage.repositories.ledger import LedgerEntry, LedgerRepository, _entry
from storage.sealing import RecordSpec
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ExpenseDetails:
    entry_id: int
    sealed_by: UUID
    note: str | None
    receipt_file_id: str | None


DETAILS = RecordSpec(ExpenseDetailRow, ExpenseDetails, row_id="entry_id")


@dataclass(frozen=True)
class ClosedPeriod:
    month: date
    currency: str
    carried_minor: int
    closed_by: UUID | None
    closed_at: datetime


class FinanceRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> FinanceRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def add_expense(
        self,
        *,
        currency: str,
        amount_minor: int,
        category: Category,
        booked_on: date,
        made_by: UUID,
        now: datetime,
        channel_id: int | None = None,
        source: Source = Source.MANUAL,
        note: str | None = None,
        receipt_file_id: str | None = None,
    ) -> LedgerEntry:
        """An expense (a negative ledger entry); the note and receipt sealed under the maker's key."""
        if amount_minor <= 0:
            raise ValueError("an expense is a positive amount")
        entry = await LedgerRepository(self._context).append(
            LedgerKind.EXPENSE,
            currency=currency,
            amount_minor=-amount_minor,
            now=now,
            booked_on=booked_on,
            category=category,
            channel_id=channel_id,
            source=source,
            made_by=made_by,
        )
        if note is not None or receipt_file_id is not None:
            key = await self._keys.for_account(made_by)
            row = ExpenseDetailRow(entry_id=entry.id, sealed_by=made_by)
            DETAILS.apply(self._crypto, key, row, {"note": note, "receipt_file_id": receipt_file_id})
            self._session.add(row)
            await self._session.flush()
        return entry

    async def expense(self, entry_id: int) -> LedgerEntry | None:
        """An expense entry (None for any other entry, or none)."""
        row = await self._session.get(LedgerEntryRow, entry_id)
        return None if row is None or row.kind != LedgerKind.EXPENSE.value else _entry(row)

    async def is_reversed(self, entry_id: int) -> bool:
        found = await self._session.scalar(select(LedgerEntryRow.id).where(LedgerEntryRow.reverses_id == entry_id))
        return found is not None

    async def details(self, entry_id: int) -> ExpenseDetails | None:
        row = await self._session.get(ExpenseDetailRow, entry_id)
        if row is None:
            return None
        return DETAILS.decode(self._crypto, await self._keys.for_account(row.sealed_by), row)

    async def totals(self, currency: str, start: date, end: date) -> dict[Category, int]:
        """The sum of the entries booked in [start, end) per category (expenses negative, income positive)."""
        result = await self._session.execute(
            select(LedgerEntryRow.category, func.sum(LedgerEntryRow.amount_minor))
            .where(
                LedgerEntryRow.booked_on >= start,
                LedgerEntryRow.booked_on < end,
                LedgerEntryRow.currency == currency,
                LedgerEntryRow.category.is_not(None),
            )
            .group_by(LedgerEntryRow.category)
        )
        return {Category(str(category)): int(amount or 0) for category, amount in result.all()}

    async def income_by_tier(self, currency: str, start: date, end: date) -> dict[str | None, int]:
        """Income booked in [start, end) per tier of the payment it belongs to (None: no payment linked;
        `SEATS_AT_EVENTS`: seats at offline events, whatever the payer's tier)."""
        kind = case((PaymentRow.event_id.is_not(None), literal(SEATS_AT_EVENTS)), else_=PaymentRow.tier)
        result = await self._session.execute(
            select(kind, func.sum(LedgerEntryRow.amount_minor))
            .select_from(LedgerEntryRow)
            .outerjoin(PaymentRow, PaymentRow.id == LedgerEntryRow.payment_id)
            .where(
                LedgerEntryRow.booked_on >= start,
                LedgerEntryRow.booked_on < end,
                LedgerEntryRow.currency == currency,
                LedgerEntryRow.category == Category.INCOME.value,
            )
            .group_by(kind)
        )
        return {row[0]: int(row[1] or 0) for row in result.all()}

    async def channel_totals(self, currency: str, start: date, end: date) -> dict[int | None, int]:
        """Advertising booked in [start, end) per channel (negative: spent)."""
        result = await self._session.execute(
            select(LedgerEntryRow.channel_id, func.sum(LedgerEntryRow.amount_minor))
            .where(
                LedgerEntryRow.booked_on >= start,
                LedgerEntryRow.booked_on < end,
                LedgerEntryRow.currency == currency,
                LedgerEntryRow.category == Category.ADVERTISING.value,
            )
            .group_by(LedgerEntryRow.channel_id)
        )
        return {channel_id: int(amount or 0) for channel_id, amount in result.all()}

    async def entries(self, currency: str, start: date, end: date) -> AsyncIterator[LedgerEntry]:
        """Every entry booked in [start, end), in order (for exports)."""
        rows = await self._session.stream_scalars(
            select(LedgerEntryRow)
            .where(
                LedgerEntryRow.booked_on >= start, LedgerEntryRow.booked_on < end, LedgerEntryRow.currency == currency
            )
            .order_by(LedgerEntryRow.booked_on, LedgerEntryRow.id)
        )
        async for row in rows:
            yield _entry(row)

    async def last_closed(self, currency: str) -> ClosedPeriod | None:
        row = await self._session.scalar(
            select(ClosedPeriodRow)
            .where(ClosedPeriodRow.currency == currency)
            .order_by(ClosedPeriodRow.month.desc())
            .limit(1)
        )
        if row is None:
            return None
        return ClosedPeriod(row.month, row.currency, row.carried_minor, row.closed_by, row.closed_at)

    async def close(self, month: date, currency: str, *, closed_by: UUID | None, now: datetime) -> ClosedPeriod:
        """Close `month`: its totals per category kept, the net total of the books through it carried. The
        rules (in order, ended) are the caller's (`domain.finance.periods.ensure_can_close`)."""
        previous = await self.last_closed(currency)
        if previous is None:
            before = await self._session.scalar(
                select(func.coalesce(func.sum(LedgerEntryRow.amount_minor), 0)).where(
                    LedgerEntryRow.booked_on < month,
                    LedgerEntryRow.currency == currency,
                    LedgerEntryRow.category.is_not(None),
                )
            )
            carried_before = int(before or 0)
        else:
            carried_before = previous.carried_minor
        totals = await self.totals(currency, month, next_month(month))
        for category, amount in totals.items():
            self._session.add(
                PeriodTotalRow(month=month, currency=currency, category=category.value, amount_minor=amount)
            )
        carried = carried_before + sum(totals.values())
        self._session.add(
            ClosedPeriodRow(month=month, currency=currency, carried_minor=carried, closed_by=closed_by, closed_at=now)
        )
        await self._session.flush()
        return ClosedPeriod(month, currency, carried, closed_by, now)

    async def period_totals(self, month: date, currency: str) -> dict[Category, int] | None:
        """A closed month's totals as they were when it closed; None when the month is open."""
        if await self._session.get(ClosedPeriodRow, (month, currency)) is None:
            return None
        rows = await self._session.scalars(
            select(PeriodTotalRow).where(PeriodTotalRow.month == month, PeriodTotalRow.currency == currency)
        )
        return {Category(row.category): row.amount_minor for row in rows.all()}

    async def attach_receipt(self, entry_id: int, *, made_by: UUID, file_id: str) -> bool:
        """Add the receipt photo to an expense `made_by` entered (its note stays); False for anyone else's."""
        entry = await self._session.get(LedgerEntryRow, entry_id)
        if entry is None or entry.kind != LedgerKind.EXPENSE.value or entry.made_by != made_by:
            return False
        key = await self._keys.for_account(made_by)
        row = await self._session.get(ExpenseDetailRow, entry_id)
        if row is None:
            row = ExpenseDetailRow(entry_id=entry_id, sealed_by=made_by)
            self._session.add(row)
        DETAILS.apply(self._crypto, key, row, {"receipt_file_id": file_id})
        await self._session.flush()
        return True
