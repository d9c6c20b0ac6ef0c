"""Finance in the chat: /expense (step by step, with the receipt photo), /channels and /newchannel (the
acquisition channels' links and spend), /plan (a yearly budget), /budget (actual against budget and the
channels' cost per client), /close (month-end close), /reverse (a correction) and /ledger (XLSX, CSV and a chart).

Money is shown only to finance, managers and owners (`VIEW_LEDGER`); entering it needs finance's own
permissions. Nothing personal rides in the conversation state: the expense's note goes straight into the
ledger's sealed details, and the receipt photo is attached to the recorded entry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from pydantic import BaseModel, ValidationError

from domain.finance.accounts import Category, needs_channel, parse_category
from domain.finance.money_input import AmountRefused, parse_money
from domain.finance.periods import PeriodClosed, month_of, parse_day, parse_month
from domain.identity import Channel as ChatChannel
from domain.membership.money import from_minor
from domain.staff import Permission
from handlers.answers import settle
from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.services.finance import CHANNEL_CODE, ChannelProblem, ExpenseProblem, ExpenseRequest, ReverseProblem
from handlers.services.finance_exports import budget_chart_png, ledger_csv, ledger_xlsx
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import finance as views
from handlers.views.finance import ExpenseAct, ExpenseButton

RECORD = Permission.RECORD_PAYMENTS
PLAN = Permission.MANAGE_FEES
VIEW = Permission.VIEW_LEDGER
COMMAND_PERMISSIONS: dict[str, Permission | None] = {
    "expense": RECORD,
    "close": RECORD,
    "reverse": RECORD,
    "newchannel": PLAN,
    "plan": PLAN,
    "channels": VIEW,
    "budget": VIEW,
    "ledger": VIEW,
}


class ExpenseEntry(StatesGroup):
    amount = State()
    category = State()
    channel = State()
    day = State()
    note = State()
    receipt = State()


class ExpenseDraft(BaseModel):
    """The expense so far: no free text and no file ids (those go to the sealed details)."""

    amount: str = ""
    category: str = ""
    channel_id: int | None = None
    day: str = ""
    entry_id: int | None = None


async def _draft(state: FSMContext) -> ExpenseDraft:
    try:
        return ExpenseDraft.model_validate(await state.get_data())
    except ValidationError:
        return ExpenseDraft()


async def _save(state: FSMContext, draft: ExpenseDraft, step: State) -> None:
    await state.set_state(step)
    await state.set_data(draft.model_dump())


# /expense


async def start_expense(message: Message, state: FSMContext, services: Services) -> None:
    await _save(state, ExpenseDraft(), ExpenseEntry.amount)
    await message.answer(views.ask_amount(services.settings.currency))


async def expense_amount(message: Message, state: FSMContext, services: Services) -> None:
    currency = services.settings.currency
    try:
        amount = parse_money(message.text or "", currency)
    except AmountRefused as refused:
        await message.answer(views.amount_problem(refused.problem, currency))
        return
    await _save(state, ExpenseDraft(amount=str(amount)), ExpenseEntry.category)
    text, markup = views.ask_category()
    await message.answer(text, reply_markup=markup)


async def expense_category(
    callback: CallbackQuery, callback_data: ExpenseButton, state: FSMContext, services: Services
) -> None:
    category = parse_category(callback_data.value)
    draft = await _draft(state)
    if category is None or not draft.amount:
        await callback.answer(views.expense_refused(), show_alert=True)
        return
    await callback.answer()
    await settle(callback, views.category_name(category))
    draft.category = category.value
    if needs_channel(category):
        channels = await services.finance.channels()
        if not channels:
            await state.clear()
            await _reply(callback, views.no_channels())
            return
        await _save(state, draft, ExpenseEntry.channel)
        text, markup = views.ask_channel([(channel.id, channel.name) for channel in channels])
        await _reply(callback, text, markup)
        return
    await _ask_day(callback, state, draft)


async def expense_channel(
    callback: CallbackQuery, callback_data: ExpenseButton, state: FSMContext, services: Services
) -> None:
    draft = await _draft(state)
    channel = await services.finance.channel(int(callback_data.value)) if callback_data.value.isdigit() else None
    if channel is None or draft.category != Category.ADVERTISING.value:
        await callback.answer(views.expense_refused(), show_alert=True)
        return
    await callback.answer()
    await settle(callback, channel.name)
    draft.channel_id = channel.id
    await _ask_day(callback, state, draft)


async def _ask_day(callback: CallbackQuery, state: FSMContext, draft: ExpenseDraft) -> None:
    await _save(state, draft, ExpenseEntry.day)
    text, markup = views.ask_day()
    await _reply(callback, text, markup)


async def expense_today(callback: CallbackQuery, state: FSMContext, services: Services) -> None:
    await _take_day(callback, services.finance.today(), state, services)


async def expense_day(message: Message, state: FSMContext, services: Services) -> None:
    day = parse_day(message.text or "", services.finance.today())
    if day is None:
        await message.answer(views.bad_day())
        return
    await _take_day(message, day, state, services)


async def _take_day(event: Message | CallbackQuery, day: date, state: FSMContext, services: Services) -> None:
    if await services.finance.check_day(day) is ExpenseProblem.CLOSED:
        closed_through = await services.finance.closed_through()
        if isinstance(event, CallbackQuery):
            await event.answer(views.closed_day(closed_through), show_alert=True)
        else:
            await event.answer(views.closed_day(closed_through))
        return
    if isinstance(event, CallbackQuery):
        await event.answer()
        await settle(event, day.isoformat())
    draft = await _draft(state)
    draft.day = day.isoformat()
    await _save(state, draft, ExpenseEntry.note)
    text, markup = views.ask_note()
    await _reply(event, text, markup)


async def expense_note(message: Message, state: FSMContext, services: Services, actor: Actor) -> None:
    text = (message.text or "").strip()
    if not text:
        await reask_note(message)
        return
    await _record(message, state, services, actor, text[:1000])


async def expense_skip_note(callback: CallbackQuery, state: FSMContext, services: Services, actor: Actor) -> None:
    await callback.answer()
    await _record(callback, state, services, actor, None)


async def _record(
    event: Message | CallbackQuery, state: FSMContext, services: Services, actor: Actor, note: str | None
) -> None:
    draft = await _draft(state)
    category = parse_category(draft.category)
    if category is None or not draft.amount or not draft.day:
        await state.clear()
        await _reply(event, views.expense_refused())
        return
    request = ExpenseRequest(Decimal(draft.amount), category, date.fromisoformat(draft.day), draft.channel_id, note)
    entry = await services.finance.record_expense(actor, request)
    if isinstance(entry, ExpenseProblem):
        await state.clear()
        await _reply(event, views.expense_refused())
        return
    channel = None if draft.channel_id is None else await services.finance.channel(draft.channel_id)
    await _save(state, ExpenseDraft(entry_id=entry.id), ExpenseEntry.receipt)
    text, markup = views.recorded(
        entry.id,
        request.amount,
        services.settings.currency,
        category,
        None if channel is None else channel.name,
        request.day,
    )
    await _reply(event, text, markup)


async def expense_receipt(message: Message, state: FSMContext, services: Services, actor: Actor) -> None:
    draft = await _draft(state)
    if draft.entry_id is None or not message.photo:
        await message.answer(views.ask_receipt())
        return
    await state.clear()
    kept = await services.finance.attach_receipt(actor, draft.entry_id, message.photo[-1].file_id)
    await message.answer(views.receipt_kept(draft.entry_id) if kept else views.expense_refused())


async def expense_not_receipt(message: Message) -> None:
    await message.answer(views.ask_receipt())


async def reask_amount(message: Message, services: Services) -> None:
    await message.answer(views.ask_amount(services.settings.currency))


async def reask_day(message: Message) -> None:
    await message.answer(views.bad_day())


async def reask_note(message: Message) -> None:
    question, markup = views.ask_note()
    await message.answer(question, reply_markup=markup)


async def expense_done(callback: CallbackQuery, state: FSMContext) -> None:
    await callback.answer()
    await state.clear()
    await settle(callback, views.expense_done())


async def stale_button(callback: CallbackQuery) -> None:
    """A button of an expense that is no longer being entered."""
    await callback.answer(views.expense_refused(), show_alert=True)


async def _reply(event: Message | CallbackQuery, text: str, markup: object = None) -> None:
    message = event if isinstance(event, Message) else event.message
    if isinstance(message, Message):
        await message.answer(text, reply_markup=markup)  # type: ignore[arg-type]


async def reverse_expense(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    text = (command.args or "").strip().lstrip("#")
    if not text.isdigit():
        await message.answer(views.reverse_usage())
        return
    entry_id = int(text)
    done = await services.finance.reverse_expense(actor, entry_id)
    if done is ReverseProblem.ALREADY:
        await message.answer(views.already_reversed(entry_id))
    elif isinstance(done, ReverseProblem):
        await message.answer(
            views.no_expense(entry_id) if done is ReverseProblem.NO_EXPENSE else views.expense_refused()
        )
    else:
        original, reversal = done
        currency = services.settings.currency
        category = parse_category(original.category or "") or Category.OTHER
        await message.answer(
            views.reversed_text(
                original.id, reversal.id, from_minor(reversal.amount_minor, currency), currency, category
            )
        )


# Channels


def _webchat(services: Services) -> str:
    return f"http://{services.settings.webchat_host}:{services.settings.webchat_port}"


async def _bot_username(bot: Bot, services: Services) -> str | None:
    principal = services.principal
    if principal is None or principal.channel is not ChatChannel.TELEGRAM:
        return None  # the web chat's bot has no username
    return (await bot.me()).username


async def show_channels(message: Message, services: Services, bot: Bot) -> None:
    month = month_of(services.finance.today())
    view = await services.finance.budget(month)
    spent = {cost.channel: cost.spend for cost in view.channels}
    currency = services.settings.currency
    rows = [
        (channel.code, channel.name, spent.get(channel.code, from_minor(0, currency)))
        for channel in await services.finance.channels()
    ]
    username = await _bot_username(bot, services)
    await message.answer(
        views.channels_view(rows, currency, month, username, _webchat(services)), disable_web_page_preview=True
    )


async def new_channel(message: Message, command: CommandObject, services: Services, actor: Actor, bot: Bot) -> None:
    parts = (command.args or "").split(maxsplit=1)
    if len(parts) != 2:
        await message.answer(views.channel_usage())
        return
    created = await services.finance.create_channel(actor, parts[0], parts[1])
    if created is ChannelProblem.TAKEN:
        await message.answer(views.channel_taken(parts[0].lower()))
    elif isinstance(created, ChannelProblem):
        await message.answer(views.channel_usage())
    else:
        username = await _bot_username(bot, services)
        await message.answer(
            views.channel_created(created.code, created.name, username, _webchat(services)),
            disable_web_page_preview=True,
        )


# Budgets


async def plan(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    parts = (command.args or "").split()
    if len(parts) not in (3, 4) or not parts[0].isdigit() or not 2000 <= int(parts[0]) <= 2100:
        await message.answer(views.plan_usage())
        return
    category = parse_category(parts[1])
    if category is None:
        await message.answer(views.unknown_category(parts[1]))
        return
    currency = services.settings.currency
    try:
        amount = parse_money(parts[2], currency)
    except AmountRefused as refused:
        await message.answer(views.amount_problem(refused.problem, currency))
        return
    threshold_text = parts[3].rstrip("%％") if len(parts) == 4 else "0"
    if not threshold_text.isdigit() or int(threshold_text) > 1000:
        await message.answer(views.plan_usage())
        return
    year = int(parts[0])
    months = await services.finance.plan_year(actor, year, category, amount, int(threshold_text))
    first = next(iter(months.values()))
    await message.answer(views.planned(category, year, first, amount, currency, int(threshold_text)))


def _month_argument(command: CommandObject, services: Services) -> date | None:
    if not (command.args or "").strip():
        return month_of(services.finance.today())
    return parse_month(command.args or "")


async def show_budget(message: Message, command: CommandObject, services: Services) -> None:
    month = _month_argument(command, services)
    if month is None:
        await message.answer(views.month_usage("budget"))
        return
    view = await services.finance.budget(month)
    await message.answer(views.budget_view(month, view.currency, view.report, view.channels, view.closed, view.income))


async def close_month(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    month = parse_month(command.args or "")
    if month is None:
        await message.answer(views.month_usage("close"))
        return
    closed = await services.finance.close(actor, month)
    if isinstance(closed, PeriodClosed):
        await message.answer(views.close_refused(closed.problem, month, await services.finance.closed_through()))
        return
    currency = services.settings.currency
    await message.answer(views.closed(month, from_minor(closed.carried_minor, currency), currency))


async def export_ledger(message: Message, command: CommandObject, services: Services) -> None:
    month = _month_argument(command, services)
    if month is None:
        await message.answer(views.month_usage("ledger"))
        return
    entries = await services.finance.entries(month)
    codes = await services.finance.channel_codes()
    view = await services.finance.budget(month)
    currency = services.settings.currency
    name = f"ledger-{month:%Y-%m}"
    caption = views.export_caption(month)
    await message.answer_document(
        BufferedInputFile(ledger_xlsx(entries, codes, currency), filename=f"{name}.xlsx"), caption=caption
    )
    await message.answer_document(
        BufferedInputFile(ledger_csv(entries, codes, currency), filename=f"{name}.csv"), caption=caption
    )
    chart = budget_chart_png(view.report, view.channels, views.chart_texts(month))
    await message.answer_photo(
        BufferedInputFile(chart, filename=f"budget-{month:%Y-%m}.png"), caption=views.chart_caption(month)
    )


def expense_button_permission(_data: ExpenseButton) -> Permission:
    return RECORD


def create_router() -> Router:
    router = Router(name="finance")
    router.message.register(start_expense, Command("expense"), Allowed(RECORD))
    router.message.register(show_channels, Command("channels"), Allowed(VIEW))
    router.message.register(new_channel, Command("newchannel"), Allowed(PLAN))
    router.message.register(plan, Command("plan"), Allowed(PLAN))
    router.message.register(show_budget, Command("budget"), Allowed(VIEW))
    router.message.register(close_month, Command("close"), Allowed(RECORD))
    router.message.register(reverse_expense, Command("reverse"), Allowed(RECORD))
    router.message.register(export_ledger, Command("ledger"), Allowed(VIEW))
    buttons = ExpenseButton.filter
    router.callback_query.register(
        expense_category, ExpenseEntry.category, buttons(F.act == ExpenseAct.CATEGORY), Allowed(RECORD)
    )
    router.callback_query.register(
        expense_channel, ExpenseEntry.channel, buttons(F.act == ExpenseAct.CHANNEL), Allowed(RECORD)
    )
    router.callback_query.register(expense_today, ExpenseEntry.day, buttons(F.act == ExpenseAct.TODAY), Allowed(RECORD))
    router.callback_query.register(
        expense_skip_note, ExpenseEntry.note, buttons(F.act == ExpenseAct.SKIP_NOTE), Allowed(RECORD)
    )
    router.callback_query.register(
        expense_done, ExpenseEntry.receipt, buttons(F.act == ExpenseAct.DONE), Allowed(RECORD)
    )
    router.message.register(expense_amount, ExpenseEntry.amount, F.text, ~F.text.startswith("/"), Allowed(RECORD))
    router.message.register(expense_day, ExpenseEntry.day, F.text, ~F.text.startswith("/"), Allowed(RECORD))
    router.message.register(expense_note, ExpenseEntry.note, F.text, ~F.text.startswith("/"), Allowed(RECORD))
    router.message.register(expense_receipt, ExpenseEntry.receipt, F.photo, Allowed(RECORD))
    router.callback_query.register(stale_button, ExpenseButton.filter(), Allowed(RECORD))
    refuse_the_rest(router, commands=COMMAND_PERMISSIONS, buttons=[(ExpenseButton, expense_button_permission)])
    return router


def create_answers_router() -> Router:
    """The re-asks of the expense's questions, tried after every feature's commands (so a command still works
    in the middle of an expense)."""
    router = Router(name="finance.answers")
    router.message.register(reask_amount, ExpenseEntry.amount)
    router.message.register(reask_day, ExpenseEntry.day)
    router.message.register(reask_note, ExpenseEntry.note)
    router.message.register(expense_not_receipt, ExpenseEntry.receipt)
    return router


# Acquisition channels: `/start <source>` (handlers/start.py)

SOURCE_KEY = "acquisition_source"


async def remember_source(conversation: Conversation, payload: str | None) -> None:
    """A visitor's deep-link code waits in the conversation state until they consent (nothing is stored before)."""
    code = (payload or "").strip().lower()
    if conversation.account_id is None and CHANNEL_CODE.match(code):
        await conversation.set_data(await conversation.data() | {SOURCE_KEY: code})


async def pending_source(conversation: Conversation) -> str | None:
    code = (await conversation.data()).get(SOURCE_KEY)
    return code if isinstance(code, str) else None


async def record_source(conversation: Conversation, services: Services, code: str | None) -> None:
    """At consent: the channel the client came through (an unknown code is ignored; the first one stays)."""
    if code is not None and conversation.account_id is not None:
        await services.finance.record_source(conversation.account_id, code)
