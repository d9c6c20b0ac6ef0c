"""Budget lines: one amount per category per month (from finance's yearly plan), with the threshold above
which an overspend is flagged. A new plan replaces the months it covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select

from domain.finance.accounts import Category
from storage.models.finance import BudgetLineRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class StoredBudgetLine:
    month: date
    category: Category
    currency: str
    amount_minor: int
    threshold_percent: int
    set_at: datetime


class BudgetsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> BudgetsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def set_months(
        self,
        category: Category,
        currency: str,
        amounts: dict[date, int],
        *,
        threshold_percent: int,
        set_by: UUID | None,
        now: datetime,
    ) -> None:
        """The budget of `category` for each month in `amounts` (minor units), replacing what was there."""
        existing = {
            row.month: row
            for row in (
                await self._session.scalars(
                    select(BudgetLineRow).where(
                        BudgetLineRow.category == category.value,
                        BudgetLineRow.currency == currency,
                        BudgetLineRow.month.in_(list(amounts)),
                    )
                )
            ).all()
        }
        for month, amount in amounts.items():
            row = existing.get(month)
            if row is None:
                row = BudgetLineRow(month=month, category=category.value, currency=currency)
                self._session.add(row)
            row.amount_minor = amount
            row.threshold_percent = threshold_percent
            row.set_by = set_by
            row.set_at = now
        await self._session.flush()

    async def month(self, month: date, currency: str) -> list[StoredBudgetLine]:
        rows = await self._session.scalars(
            select(BudgetLineRow)
            .where(BudgetLineRow.month == month, BudgetLineRow.currency == currency)
            .order_by(BudgetLineRow.category)
        )
        return [
            StoredBudgetLine(
                row.month, Category(row.category), row.currency, row.amount_minor, row.threshold_percent, row.set_at
            )
            for row in rows.all()
        ]
