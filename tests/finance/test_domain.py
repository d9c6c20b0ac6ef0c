"""Finance rules on hand-built figures with known answers: typed amounts, dates, yearly plans, variance,
cost per client, and which months may be closed or written to."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.i18n import create_i18n
from domain.finance.accounts import EXPENSE_CATEGORIES, SEATS_AT_EVENTS, Category, Source, parse_category
from domain.finance.money_input import AmountProblem, AmountRefused, parse_money
from domain.finance.periods import (
    PeriodClosed,
    PeriodProblem,
    ensure_can_close,
    ensure_open,
    month_of,
    months_of_year,
    next_month,
    parse_day,
    parse_month,
)
from domain.finance.report import (
    BudgetLine,
    ChannelFigures,
    budget_report,
    channel_costs,
    split_yearly,
)
from handlers.views.finance import income_line


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("¥1234.5", "1234.50"),
        ("￥1234.5", "1234.50"),
        ("1234元", "1234.00"),
        ("1 234,5", None),
        ("  12 345.67 ", "12345.67"),
        ("CN¥ 99", "99.00"),
        ("RMB 1,000", "1000.00"),
        ("１２３４．５元", "1234.50"),
        ("3.5块", "3.50"),
        ("1,000,000", "1000000.00"),
    ],
)
def test_typed_amounts(typed: str, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(AmountRefused) as refused:
            parse_money(typed, "CNY")
        assert refused.value.problem is AmountProblem.NOT_AN_AMOUNT
    else:
        amount = parse_money(typed, "CNY")
        assert amount == Decimal(expected) and str(amount) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("-5", AmountProblem.NOT_POSITIVE),
        ("−5", AmountProblem.NOT_POSITIVE),
        ("0", AmountProblem.NOT_POSITIVE),
        ("¥0.00", AmountProblem.NOT_POSITIVE),
        ("9.999", AmountProblem.TOO_PRECISE),
        ("abc", AmountProblem.NOT_AN_AMOUNT),
        ("", AmountProblem.NOT_AN_AMOUNT),
        ("1,23", AmountProblem.NOT_AN_AMOUNT),
        ("12,34.5", AmountProblem.NOT_AN_AMOUNT),
        ("1e5", AmountProblem.NOT_AN_AMOUNT),
        ("NaN", AmountProblem.NOT_AN_AMOUNT),
        ("Infinity", AmountProblem.NOT_AN_AMOUNT),
        ("1.2.3", AmountProblem.NOT_AN_AMOUNT),
        ("99999999999999", AmountProblem.TOO_LARGE),
    ],
)
def test_refused_amounts(typed: str, problem: AmountProblem) -> None:
    with pytest.raises(AmountRefused) as refused:
        parse_money(typed, "CNY")
    assert refused.value.problem is problem


def test_whole_unit_currencies() -> None:
    assert parse_money("¥1,500", "JPY") == Decimal(1500)
    with pytest.raises(AmountRefused):
        parse_money("1500.5", "JPY")


def test_categories() -> None:
    assert Category.ADVERTISING in EXPENSE_CATEGORIES and Category.SALARIES in EXPENSE_CATEGORIES
    assert Category.INCOME not in EXPENSE_CATEGORIES and Category.REFUNDS not in EXPENSE_CATEGORIES
    assert parse_category(" Rent ") is Category.RENT
    assert parse_category("income") is None  # not something finance enters as an expense
    assert parse_category("travel") is None
    assert {source.value for source in Source} == {"payment", "refund", "commission", "manual", "penalty"}


def test_dates_and_months() -> None:
    today = date(2026, 3, 15)
    assert parse_day("2026-03-01", today) == date(2026, 3, 1)
    assert parse_day("today", today) == today
    assert parse_day("3/2", today) == date(2026, 3, 2)
    assert parse_day("2026年3月2日", today) == date(2026, 3, 2)
    assert parse_day("2026-13-01", today) is None
    assert parse_day("2026-04-01", today) is None  # an expense is not booked ahead of time
    assert parse_month("2026-02") == date(2026, 2, 1)
    assert parse_month("2026-2") == date(2026, 2, 1)
    assert parse_month("Feb") is None
    assert month_of(date(2026, 2, 28)) == date(2026, 2, 1)
    assert next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert months_of_year(2026)[0] == date(2026, 1, 1) and len(months_of_year(2026)) == 12


def test_closing_rules() -> None:
    today = date(2026, 3, 15)
    january = date(2026, 1, 1)
    ensure_can_close(date(2026, 2, 1), today=today, closed_through=january)
    ensure_can_close(date(2025, 6, 1), today=today, closed_through=None)  # the first close may be any ended month
    for month, problem in (
        (date(2026, 3, 1), PeriodProblem.NOT_ENDED),
        (january, PeriodProblem.ALREADY_CLOSED),
        (date(2025, 11, 1), PeriodProblem.ALREADY_CLOSED),
    ):
        with pytest.raises(PeriodClosed) as refused:
            ensure_can_close(month, today=today, closed_through=january)
        assert refused.value.problem is problem
    # Months close in order, so the totals carried from one month to the next are never skipped.
    with pytest.raises(PeriodClosed) as refused:
        ensure_can_close(date(2026, 2, 1), today=today, closed_through=date(2025, 12, 1))
    assert refused.value.problem is PeriodProblem.EARLIER_OPEN
    ensure_open(date(2026, 2, 10), closed_through=january)
    ensure_open(date(2020, 1, 1), closed_through=None)
    for day in (date(2026, 1, 31), date(2025, 5, 5)):
        with pytest.raises(PeriodClosed) as refused:
            ensure_open(day, closed_through=january)
        assert refused.value.problem is PeriodProblem.CLOSED


def test_a_yearly_plan_splits_exactly() -> None:
    months = split_yearly(Decimal("100000.00"), 2026, "CNY")
    assert len(months) == 12 and sum(months.values()) == Decimal("100000.00")
    assert months[date(2026, 1, 1)] == Decimal("8333.33")
    assert months[date(2026, 12, 1)] == Decimal("8333.37")
    assert sum(split_yearly(Decimal(1000), 2026, "JPY").values()) == Decimal(1000)


def test_budget_against_actual() -> None:
    lines = [
        BudgetLine(Category.ADVERTISING, Decimal("10000.00"), threshold_percent=10),
        BudgetLine(Category.RENT, Decimal("5000.00"), threshold_percent=0),
        BudgetLine(Category.SALARIES, Decimal("20000.00"), threshold_percent=5),
    ]
    actual = {
        Category.ADVERTISING: Decimal("11500.00"),
        Category.RENT: Decimal("5000.00"),
        Category.EVENTS: Decimal("500.00"),
        Category.SALARIES: Decimal("20900.00"),
    }
    report = budget_report(lines, actual, "CNY")
    by = {row.category: row for row in report.rows}
    assert by[Category.ADVERTISING].variance == Decimal("1500.00")
    assert by[Category.ADVERTISING].variance_percent == Decimal("15.0")
    assert by[Category.ADVERTISING].overspent is True  # 15% > 10%
    assert by[Category.SALARIES].variance_percent == Decimal("4.5") and by[Category.SALARIES].overspent is False
    assert by[Category.RENT].variance == Decimal("0.00") and by[Category.RENT].overspent is False
    # Spending without a budget line is an overspend whatever the threshold.
    assert by[Category.EVENTS].budget == Decimal("0.00") and by[Category.EVENTS].overspent is True
    assert by[Category.EVENTS].variance_percent is None
    assert report.total_actual == Decimal("37900.00") and report.total_budget == Decimal("35000.00")
    shares = {row.category: row.share_percent for row in report.rows}
    assert shares[Category.ADVERTISING] == Decimal("30.3")  # 11500 / 37900
    assert sum(shares.values()) == pytest.approx(Decimal(100), abs=Decimal("0.2"))
    assert [row.category for row in report.overspent] == [Category.ADVERTISING, Category.EVENTS]


def test_budget_report_of_nothing() -> None:
    report = budget_report([], {}, "CNY")
    assert report.rows == [] and report.total_actual == Decimal("0.00")


def test_cost_per_client_by_channel() -> None:
    figures = [
        ChannelFigures("wechat", Decimal("3000.00"), new_clients=30, registered=12, introductions=3),
        ChannelFigures("douyin", Decimal("5000.00"), new_clients=10, registered=2, introductions=0),
        ChannelFigures("flyers", Decimal("0.00"), new_clients=4, registered=4, introductions=1),
    ]
    rows = {row.channel: row for row in channel_costs(figures, "CNY")}
    assert rows["wechat"].per_new_client == Decimal("100.00")
    assert rows["wechat"].per_registered == Decimal("250.00")
    assert rows["wechat"].per_introduction == Decimal("1000.00")
    assert rows["douyin"].per_new_client == Decimal("500.00")
    assert rows["douyin"].per_introduction is None  # nothing to divide by: shown as no result
    assert rows["flyers"].per_new_client == Decimal("0.00")
    # The most expensive channel per registered client comes first: the one to cut.
    assert next(row.channel for row in channel_costs(figures, "CNY")) == "douyin"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "Income: CN¥1,077.00 (Premium member: CN¥199.00, Offline events: CN¥878.00)"),
        ("zh", "收入：¥1,077.00（高级会员：¥199.00、线下活动：¥878.00）"),
    ],
)
def test_income_from_seats_at_events_is_shown_apart_from_the_tiers(locale: str, expected: str) -> None:
    i18n = create_i18n()
    income: dict[str | None, Decimal] = {"premium": Decimal("199.00"), SEATS_AT_EVENTS: Decimal("878.00")}
    with i18n.context(), i18n.use_locale(locale):
        assert income_line(income, "CNY") == expected
