"""What finance, managers and owners see of the books: the expense questions, acquisition channels and their
links, the budget report, month-end close, and exports' captions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from babel.dates import format_skeleton

from domain.finance.accounts import EXPENSE_CATEGORIES, SEATS_AT_EVENTS, Category
from domain.finance.money_input import AmountProblem, currency_digits
from domain.finance.periods import PeriodProblem
from domain.finance.report import BudgetReport, ChannelCost
from domain.languages import babel_locale, format_money
from domain.membership.schedule import schedule
from handlers.views.punctuation import labelled, listed, with_aside
from handlers.views.texts import current_locale, quote


@dataclass(frozen=True)
class ChartTexts:
    """What a chart says, in the reader's language."""

    title: str
    budget: str
    actual: str
    per_registered: str
    category: Callable[[Category], str]


class ExpenseAct(StrEnum):
    CATEGORY = "c"
    CHANNEL = "ch"
    TODAY = "t"
    SKIP_NOTE = "n"
    DONE = "d"


class ExpenseButton(CallbackData, prefix="fx"):
    act: ExpenseAct
    value: str = ""


def money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency, current_locale())


def month_name(month: date) -> str:
    return str(format_skeleton("yMMMM", month, locale=babel_locale(current_locale())))


def category_name(category: Category) -> str:
    return {
        Category.INCOME: _("Income"),
        Category.REFUNDS: _("Refunds"),
        Category.SALARIES: _("Salaries"),
        Category.RENT: _("Rent"),
        Category.ADVERTISING: _("Advertising"),
        Category.EVENTS: _("Offline events"),
        Category.COMMISSIONS: _("Commissions"),
        Category.OTHER: _("Other"),
    }[category]


def category_codes() -> str:
    return listed(category.value for category in EXPENSE_CATEGORIES)


# The expense, step by step


def ask_amount(currency: str) -> str:
    return _("How much was the expense? Write the amount in {currency}, e.g. 1,234.50.").format(currency=currency)


def amount_problem(problem: AmountProblem, currency: str) -> str:
    if problem is AmountProblem.NOT_POSITIVE:
        return _("The amount must be more than zero. How much was it?")
    if problem is AmountProblem.TOO_PRECISE:
        return _("{currency} amounts have at most {digits} decimal places. How much was it?").format(
            currency=currency, digits=currency_digits(currency)
        )
    if problem is AmountProblem.TOO_LARGE:
        return _("That amount is too large for one entry. How much was it?")
    return _("That is not an amount I can use: write it like 1,234.50 or ¥1234.5. How much was it?")


def ask_category() -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            InlineKeyboardButton(
                text=category_name(category),
                callback_data=ExpenseButton(act=ExpenseAct.CATEGORY, value=category.value).pack(),
            )
        ]
        for category in EXPENSE_CATEGORIES
    ]
    return _("What was it for?"), InlineKeyboardMarkup(inline_keyboard=rows)


def ask_channel(channels: list[tuple[int, str]]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [InlineKeyboardButton(text=name, callback_data=ExpenseButton(act=ExpenseAct.CHANNEL, value=str(id_)).pack())]
        for id_, name in channels
    ]
    return _("Which acquisition channel was the advertising for?"), InlineKeyboardMarkup(inline_keyboard=rows)


def no_channels() -> str:
    return _(
        "There is no acquisition channel yet. Create one with /newchannel wechat WeChat ads, then enter the "
        "expense again."
    )


def ask_day() -> tuple[str, InlineKeyboardMarkup]:
    button = InlineKeyboardButton(text=_("Today"), callback_data=ExpenseButton(act=ExpenseAct.TODAY).pack())
    return (
        _("On which day? Press Today or write the date, e.g. 2026-03-01."),
        InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )


def bad_day() -> str:
    return _("That is not a day I can use: write it like 2026-03-01 (not in the future).")


def closed_day(closed_through: date | None) -> str:
    return _("The books are closed through {month}: nothing more can be booked there. Which later day?").format(
        month=month_name(closed_through) if closed_through else "—"
    )


def ask_note() -> tuple[str, InlineKeyboardMarkup]:
    button = InlineKeyboardButton(text=_("Skip"), callback_data=ExpenseButton(act=ExpenseAct.SKIP_NOTE).pack())
    return (
        _("Any note (what it was, the invoice number)? Write it, or press Skip."),
        InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )


def recorded(
    entry_id: int, amount: Decimal, currency: str, category: Category, channel: str | None, day: date
) -> tuple[str, InlineKeyboardMarkup]:
    what = category_name(category) if channel is None else with_aside(category_name(category), quote(channel))
    button = InlineKeyboardButton(text=_("Done"), callback_data=ExpenseButton(act=ExpenseAct.DONE).pack())
    text = _(
        "✅ Expense #{entry} recorded: {amount}, {what}, {day}.\nSend a photo of the receipt now if you have one, "
        "or press Done."
    ).format(entry=entry_id, amount=money(amount, currency), what=what, day=day.isoformat())
    return text, InlineKeyboardMarkup(inline_keyboard=[[button]])


def expense_refused() -> str:
    return _("Nothing was recorded: the expense could not be booked as it was. Send /expense to start again.")


def receipt_kept(entry_id: int) -> str:
    return _("🧾 The receipt is kept with expense #{entry}.").format(entry=entry_id)


def ask_receipt() -> str:
    return _("Send the receipt as a photo, or press Done.")


def expense_done() -> str:
    return _("Done.")


def reversed_text(original: int, reversal: int, amount: Decimal, currency: str, category: Category) -> str:
    return _("↩️ Expense #{entry} is reversed by entry #{reversal}: {amount} back in {category}.").format(
        entry=original, reversal=reversal, amount=money(amount, currency), category=category_name(category)
    )


def reverse_usage() -> str:
    return _("Write it like this: /reverse 12 (the number of the expense to correct)")


def no_expense(entry_id: int) -> str:
    return _("There is no expense #{entry}.").format(entry=entry_id)


def already_reversed(entry_id: int) -> str:
    return _("Expense #{entry} was already reversed.").format(entry=entry_id)


# Channels


def channels_view(
    rows: list[tuple[str, str, Decimal]], currency: str, month: date, bot_username: str | None, webchat: str
) -> str:
    if not rows:
        return _("No acquisition channels yet. Create one: /newchannel wechat WeChat ads")
    lines = [_("📣 <b>Acquisition channels</b>, spent in {month}:").format(month=month_name(month))]
    for code, name, spent in rows:
        lines.append("")
        lines.append(labelled(with_aside(quote(name), f"<code>{code}</code>"), money(spent, currency)))
        lines.extend(channel_links(code, bot_username, webchat))
    return "\n".join(lines)


def channel_links(code: str, bot_username: str | None, webchat: str) -> list[str]:
    links = []
    if bot_username:
        links.append(labelled("Telegram", f"https://t.me/{bot_username}?start={code}"))
    links.append(labelled(_("Web chat"), f"{webchat}/?start={code}"))
    return links


def channel_created(code: str, name: str, bot_username: str | None, webchat: str) -> str:
    return "\n".join(
        [_("Channel {name} created. Its links:").format(name=quote(name)), *channel_links(code, bot_username, webchat)]
    )


def channel_usage() -> str:
    return _(
        "Write it like this: /newchannel wechat WeChat ads\n(the code: 2 to 32 small letters, digits, - or _; "
        "then the name)"
    )


def channel_taken(code: str) -> str:
    return _("There is a channel {code} already.").format(code=f"<code>{quote(code)}</code>")


# Budgets


def plan_usage() -> str:
    return _(
        "Write it like this: /plan 2027 advertising 120000 10%\n(the year, the category, the yearly amount and "
        "the overspend threshold). The categories: {categories}."
    ).format(categories=category_codes())


def unknown_category(text: str) -> str:
    return _("There is no budget category {category}. The categories: {categories}.").format(
        category=quote(text), categories=category_codes()
    )


def planned(category: Category, year: int, monthly: Decimal, total: Decimal, currency: str, threshold: int) -> str:
    return _(
        "Budget of {category} for {year}: {monthly} a month (yearly plan: {total}); overspends above {threshold}% "
        "are flagged."
    ).format(
        category=category_name(category),
        year=year,
        monthly=money(monthly, currency),
        total=money(total, currency),
        threshold=threshold,
    )


def _signed(amount: Decimal, currency: str) -> str:
    return ("+" if amount > 0 else "") + money(amount, currency)


def _maybe(amount: Decimal | None, currency: str) -> str:
    return "—" if amount is None else money(amount, currency)


def income_line(income: dict[str | None, Decimal], currency: str) -> str | None:
    """Income of the month in all and per tier (its name in the reader's language), seats at offline events
    apart."""
    if not income:
        return None
    locale = current_locale()
    parts = [
        labelled(schedule().tier(tier).name(locale), money(amount, currency))
        for tier, amount in sorted(income.items(), key=lambda item: (item[0] is None, item[0] or ""))
        if tier is not None and tier != SEATS_AT_EVENTS
    ]
    if SEATS_AT_EVENTS in income:
        parts.append(labelled(category_name(Category.EVENTS), money(income[SEATS_AT_EVENTS], currency)))
    if None in income:
        parts.append(labelled(_("not linked to a payment"), money(income[None], currency)))
    total = sum(income.values(), Decimal(0))
    return labelled(_("Income"), with_aside(money(total, currency), listed(parts)))


def budget_view(
    month: date,
    currency: str,
    report: BudgetReport,
    channels: list[ChannelCost],
    closed: bool,
    income: dict[str | None, Decimal] | None = None,
) -> str:
    title = _("📊 <b>Budget against actual, {month}</b>").format(month=month_name(month))
    if closed:
        title = with_aside(title, _("closed: the totals it carried"))
    earned = income_line(income or {}, currency)
    if not report.rows and not channels and earned is None:
        return "\n".join([title, _("Nothing was booked or budgeted for this month.")])
    lines = [title]
    if earned is not None:
        lines.append(earned)
    for row in report.rows:
        variance = _signed(row.variance, currency)
        if row.variance_percent is not None:
            variance = with_aside(variance, f"{row.variance_percent}%")
        line = _("{category}: {actual} of {budget}, variance {variance}, share {share}%").format(
            category=category_name(row.category),
            actual=money(row.actual, currency),
            budget=money(row.budget, currency),
            variance=variance,
            share=row.share_percent,
        )
        lines.append(("⚠️ " if row.overspent else "• ") + line)
    lines.append(
        _("<b>Total</b>: {actual} of {budget}, variance {variance}").format(
            actual=money(report.total_actual, currency),
            budget=money(report.total_budget, currency),
            variance=_signed(report.total_variance, currency),
        )
    )
    if report.overspent:
        lines.append(
            _("⚠️ Over budget beyond the threshold: {categories}").format(
                categories=listed(category_name(row.category) for row in report.overspent)
            )
        )
    if channels:
        lines.append("")
        lines.append(_("<b>Advertising by channel</b>, the most expensive per registered client first:"))
        for cost in channels:
            counts = listed(
                [
                    _("{count} new client", "{count} new clients", cost.new_clients).format(count=cost.new_clients),
                    _("{count} registered", "{count} registered", cost.registered).format(count=cost.registered),
                    _("{count} introduction", "{count} introductions", cost.introductions).format(
                        count=cost.introductions
                    ),
                ]
            )
            lines.append(
                _(
                    "• <code>{channel}</code>: {spend} ({counts}); per new client {per_new}, per registered client "
                    "{per_registered}, per introduction {per_introduction}"
                ).format(
                    channel=quote(cost.channel),
                    spend=money(cost.spend, currency),
                    counts=counts,
                    per_new=_maybe(cost.per_new_client, currency),
                    per_registered=_maybe(cost.per_registered, currency),
                    per_introduction=_maybe(cost.per_introduction, currency),
                )
            )
    return "\n".join(lines)


def month_usage(command: str) -> str:
    return _("Write the month like this: /{command} 2026-11").format(command=command)


# Month-end close


def closed(month: date, carried: Decimal, currency: str) -> str:
    return _(
        "🔒 {month} is closed: nothing more can be booked in it. Carried: {carried} (the net total of the books "
        "through it)."
    ).format(month=month_name(month), carried=money(carried, currency))


def close_refused(problem: PeriodProblem, month: date, closed_through: date | None) -> str:
    if problem is PeriodProblem.NOT_ENDED:
        return _("{month} has not ended yet.").format(month=month_name(month))
    if problem is PeriodProblem.ALREADY_CLOSED:
        return _("{month} is already closed.").format(month=month_name(month))
    return _("Months close in order: the books are closed through {month}; close the month after it first.").format(
        month=month_name(closed_through) if closed_through else "—"
    )


# Exports


def export_caption(month: date) -> str:
    return _("The ledger of {month}").format(month=month_name(month))


def chart_caption(month: date) -> str:
    return _("Budget against actual, {month}").format(month=month_name(month))


def chart_texts(month: date) -> ChartTexts:
    return ChartTexts(
        title=chart_caption(month),
        budget=_("Budget"),
        actual=_("Actual"),
        per_registered=_("Advertising per registered client"),
        category=category_name,
    )
