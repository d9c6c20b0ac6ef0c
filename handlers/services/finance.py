"""Finance's use cases: expenses into the ledger, acquisition channels and their links, yearly plans into
monthly budgets, the budget report with the channels' cost per client, month-end close, exports and charts.

Money is `Decimal` in the agency's currency (`CURRENCY`), kept in minor units in the ledger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from domain.finance.accounts import EXPENSE_CATEGORIES, Category, Source, needs_channel
from domain.finance.periods import PeriodClosed, ensure_can_close, ensure_open, month_of, next_month
from domain.finance.report import (
    BudgetLine,
    BudgetReport,
    ChannelCost,
    ChannelFigures,
    budget_report,
    channel_costs,
    split_yearly,
)
from domain.membership.money import from_minor, to_minor
from handlers.services.feature import FeatureService
from handlers.services.staff_access import Actor
from storage.repositories.budgets import BudgetsRepository
from storage.repositories.channels import Channel, ChannelsRepository
from storage.repositories.finance import ClosedPeriod, FinanceRepository
from storage.repositories.ledger import LedgerEntry

CHANNEL_CODE = re.compile(r"^[a-z0-9_-]{2,32}$")  # what Telegram allows after /start, folded to lower case
NO_CHANNEL = "—"


class ExpenseProblem(StrEnum):
    CLOSED = "closed"  # the date is in a closed month
    NO_CHANNEL = "no_channel"  # advertising without a (known) channel
    CATEGORY = "category"


class ReverseProblem(StrEnum):
    NO_EXPENSE = "no_expense"
    ALREADY = "already"
    CLOSED = "closed"  # today's month is closed (cannot happen once months close only after they end)


class ChannelProblem(StrEnum):
    CODE = "code"  # not a usable code
    TAKEN = "taken"


@dataclass(frozen=True)
class ExpenseRequest:
    amount: Decimal
    category: Category
    day: date
    channel_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class BudgetView:
    month: date
    currency: str
    report: BudgetReport
    channels: list[ChannelCost]
    closed: bool
    income: dict[str | None, Decimal]  # per tier of the payment (None: not linked to one)


@dataclass
class FinanceDesk(FeatureService):
    """The agency's books as finance, managers and owners see them (docs/finance.md)."""

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def _finance(self) -> FinanceRepository:
        return FinanceRepository.of(self.uow)

    @property
    def _channels(self) -> ChannelsRepository:
        return ChannelsRepository.of(self.uow)

    async def closed_through(self) -> date | None:
        closed = await self._finance.last_closed(self.currency)
        return None if closed is None else closed.month

    # Expenses

    async def check_day(self, day: date) -> ExpenseProblem | None:
        try:
            ensure_open(day, closed_through=await self.closed_through())
        except PeriodClosed:
            return ExpenseProblem.CLOSED
        return None

    async def record_expense(self, actor: Actor, request: ExpenseRequest) -> LedgerEntry | ExpenseProblem:
        """The expense, whole or not at all: a closed month, an unknown channel or category refuse it."""
        if request.category not in EXPENSE_CATEGORIES:
            return ExpenseProblem.CATEGORY
        problem = await self.check_day(request.day)
        if problem is not None:
            return problem
        channel_id = request.channel_id if needs_channel(request.category) else None
        if needs_channel(request.category) and (channel_id is None or await self._channels.get(channel_id) is None):
            return ExpenseProblem.NO_CHANNEL
        if actor.account_id is None:
            raise ValueError("an expense is entered by a staff member with an account")
        # Commissions come from a commission statement; everything else is typed in by finance.
        source = Source.COMMISSION if request.category is Category.COMMISSIONS else Source.MANUAL
        return await self._finance.add_expense(
            source=source,
            currency=self.currency,
            amount_minor=to_minor(request.amount, self.currency),
            category=request.category,
            booked_on=request.day,
            made_by=actor.account_id,
            now=self.now(),
            channel_id=channel_id,
            note=request.note,
        )

    async def reverse_expense(self, actor: Actor, entry_id: int) -> tuple[LedgerEntry, LedgerEntry] | ReverseProblem:
        """Correct an expense: a reversal entry booked today (the original stays, as the ledger never changes)."""
        original = await self._finance.expense(entry_id)
        if original is None:
            return ReverseProblem.NO_EXPENSE
        if await self._finance.is_reversed(entry_id):
            return ReverseProblem.ALREADY
        if await self.check_day(self.today()) is not None:
            return ReverseProblem.CLOSED
        reversal = await self.uow.ledger.reverse(
            entry_id, now=self.now(), booked_on=self.today(), made_by=actor.account_id
        )
        return original, reversal

    async def attach_receipt(self, actor: Actor, entry_id: int, file_id: str) -> bool:
        """The receipt photo of an expense this member entered (sealed under their key)."""
        if actor.account_id is None:
            return False
        return await self._finance.attach_receipt(entry_id, made_by=actor.account_id, file_id=file_id)

    # Channels

    async def channels(self) -> list[Channel]:
        return await self._channels.all()

    async def channel(self, channel_id: int) -> Channel | None:
        return await self._channels.get(channel_id)

    async def create_channel(self, actor: Actor, code: str, name: str) -> Channel | ChannelProblem:
        code = code.strip().lower()
        if not CHANNEL_CODE.match(code):
            return ChannelProblem.CODE
        if await self._channels.by_code(code) is not None:
            return ChannelProblem.TAKEN
        return await self._channels.create(code, name.strip()[:64] or code, created_by=actor.account_id, now=self.now())

    async def record_source(self, client_id: UUID, code: str) -> bool:
        """The channel of a client who consented after opening its link; unknown codes are ignored."""
        channel = await self._channels.by_code(code.strip().lower())
        if channel is None:
            return False
        return await self._channels.record_client(client_id, channel.id, day=self.today())

    # Budgets

    async def plan_year(
        self, actor: Actor, year: int, category: Category, amount: Decimal, threshold_percent: int
    ) -> dict[date, Decimal]:
        """A yearly plan for `category`, split into twelve monthly budgets that add up to it exactly."""
        months = split_yearly(amount, year, self.currency)
        await BudgetsRepository.of(self.uow).set_months(
            category,
            self.currency,
            {month: to_minor(value, self.currency) for month, value in months.items()},
            threshold_percent=threshold_percent,
            set_by=actor.account_id,
            now=self.now(),
        )
        return months

    async def budget(self, month: date) -> BudgetView:
        """Actual against budget for `month` (a closed month from the totals it carried), and each channel's
        cost per new client, per registered client and per introduction."""
        end = next_month(month)
        totals = await self._finance.period_totals(month, self.currency)
        closed = totals is not None
        if totals is None:
            totals = await self._finance.totals(self.currency, month, end)
        actual = {category: from_minor(-amount, self.currency) for category, amount in totals.items()}
        lines = [
            BudgetLine(line.category, from_minor(line.amount_minor, self.currency), line.threshold_percent)
            for line in await BudgetsRepository.of(self.uow).month(month, self.currency)
        ]
        report = budget_report(lines, actual, self.currency)
        spend = await self._finance.channel_totals(self.currency, month, end)
        brought = await self._channels.brought(month, end)
        figures = []
        for channel in await self._channels.all():
            counts = brought.get(channel.id)
            if channel.id not in spend and counts is None:
                continue
            figures.append(
                ChannelFigures(
                    channel.code,
                    from_minor(-spend.get(channel.id, 0), self.currency),
                    counts.new_clients if counts else 0,
                    counts.registered if counts else 0,
                    counts.introductions if counts else 0,
                )
            )
        income = {
            tier: from_minor(amount, self.currency)
            for tier, amount in (await self._finance.income_by_tier(self.currency, month, end)).items()
        }
        return BudgetView(month, self.currency, report, channel_costs(figures, self.currency), closed, income)

    # Month-end close

    async def close(self, actor: Actor, month: date) -> ClosedPeriod | PeriodClosed:
        try:
            ensure_can_close(month, today=self.today(), closed_through=await self.closed_through())
        except PeriodClosed as refused:
            return refused
        return await self._finance.close(month, self.currency, closed_by=actor.account_id, now=self.now())

    # Exports

    async def entries(self, month: date) -> list[LedgerEntry]:
        return [entry async for entry in self._finance.entries(self.currency, month_of(month), next_month(month))]

    async def channel_codes(self) -> dict[int, str]:
        return {channel.id: channel.code for channel in await self._channels.all()}
