"""Budget against actual: variance, share, overspends above each category's threshold; and for advertising,
what each acquisition channel cost per new client, per registered client and per introduction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from domain.finance.accounts import EXPENSE_CATEGORIES, Category
from domain.finance.periods import months_of_year
from domain.membership.money import rounded, rounded_down, zero

PERCENT = Decimal("0.1")


def split_yearly(amount: Decimal, year: int, currency: str) -> dict[date, Decimal]:
    """A yearly plan as twelve monthly budgets: equal parts rounded down, the remainder in December, so the
    months add up to the plan exactly."""
    months = months_of_year(year)
    part = rounded_down(amount / len(months), currency)
    budgets = dict.fromkeys(months, part)
    budgets[months[-1]] = amount - part * (len(months) - 1)
    return budgets


@dataclass(frozen=True)
class BudgetLine:
    category: Category
    amount: Decimal
    threshold_percent: int = 0  # variance above this share of the budget is flagged


@dataclass(frozen=True)
class VarianceRow:
    category: Category
    budget: Decimal
    actual: Decimal
    variance: Decimal  # actual - budget: positive is overspent
    variance_percent: Decimal | None  # of the budget; None without a budget
    share_percent: Decimal  # of all spending
    threshold_percent: int
    overspent: bool


@dataclass(frozen=True)
class BudgetReport:
    rows: list[VarianceRow]
    total_budget: Decimal
    total_actual: Decimal

    @property
    def total_variance(self) -> Decimal:
        return self.total_actual - self.total_budget

    @property
    def overspent(self) -> list[VarianceRow]:
        return [row for row in self.rows if row.overspent]


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


def budget_report(lines: Iterable[BudgetLine], actual: Mapping[Category, Decimal], currency: str) -> BudgetReport:
    """Every expense category with a budget or spending, in the categories' order."""
    budgets = {line.category: line for line in lines}
    total_actual = sum((actual.get(category, zero(currency)) for category in EXPENSE_CATEGORIES), zero(currency))
    rows = []
    for category in EXPENSE_CATEGORIES:
        line = budgets.get(category)
        spent = rounded(actual.get(category, zero(currency)), currency)
        if line is None and not spent:
            continue
        budget = zero(currency) if line is None else rounded(line.amount, currency)
        threshold = 0 if line is None else line.threshold_percent
        variance = spent - budget
        variance_percent = _percent(variance, budget) if budget else None
        # Over the threshold share of the budget; anything spent without a budget is over it.
        overspent = variance > 0 and variance * 100 > budget * threshold if budget else spent > 0
        rows.append(
            VarianceRow(
                category,
                budget,
                spent,
                variance,
                variance_percent,
                _percent(spent, total_actual) if total_actual else Decimal(0).quantize(PERCENT),
                threshold,
                overspent,
            )
        )
    total_budget = sum((row.budget for row in rows), zero(currency))
    return BudgetReport(rows, total_budget, total_actual)


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    spend: Decimal
    new_clients: int  # started the bot through the channel's link (and consented)
    registered: int  # of them, finished registration
    introductions: int  # introductions their clients had


@dataclass(frozen=True)
class ChannelCost:
    channel: str
    spend: Decimal
    new_clients: int
    registered: int
    introductions: int
    per_new_client: Decimal | None
    per_registered: Decimal | None
    per_introduction: Decimal | None


def _per(spend: Decimal, count: int, currency: str) -> Decimal | None:
    return rounded((spend / count).quantize(Decimal("0.0001"), rounding=ROUND_DOWN), currency) if count else None


def channel_costs(figures: Iterable[ChannelFigures], currency: str) -> list[ChannelCost]:
    """Cost per client for each channel, the most expensive per registered client first (the one to cut); a
    channel that brought nobody but cost money comes before all."""
    costs = [
        ChannelCost(
            figure.channel,
            figure.spend,
            figure.new_clients,
            figure.registered,
            figure.introductions,
            _per(figure.spend, figure.new_clients, currency),
            _per(figure.spend, figure.registered, currency),
            _per(figure.spend, figure.introductions, currency),
        )
        for figure in figures
    ]

    def expensive_first(cost: ChannelCost) -> tuple[bool, Decimal, str]:
        per = cost.per_registered
        return (per is not None, -(per if per is not None else cost.spend), cost.channel)

    return sorted(costs, key=expensive_first)
