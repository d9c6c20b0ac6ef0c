"""Commissions: /commissions (the owner's rule table: change an amount, see the history), /statements
[YYYY-MM] (a manager's view of a month's statements: open one, draw them up again, approve), /mycommission
(a member's own statements)."""

from __future__ import annotations

from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from pydantic import BaseModel, ValidationError

from domain.personnel.commissions import Outcome, parse_commission, parse_month_code, previous_month
from domain.staff import Permission, allows
from handlers.answers import say, show_in_place
from handlers.services.container import Services
from handlers.services.personnel.commissions import Approval, CommissionDesk
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import commissions as views
from handlers.views.commissions import CommissionAct, CommissionButton

SET = Permission.SET_COMMISSIONS
APPROVE = Permission.APPROVE_COMMISSIONS
# Listed in the staff /help. None: any active staff member (their own statements).
COMMAND_PERMISSIONS: dict[str, Permission | None] = {"commissions": SET, "statements": APPROVE, "mycommission": None}
RULE_ACTS = frozenset({CommissionAct.RULES, CommissionAct.EDIT, CommissionAct.HISTORY})


class RuleEditing(StatesGroup):
    amount = State()  # an owner is typing the new amount of one rule


class RuleDraft(BaseModel):
    outcome: Outcome
    tier: str


def desk(services: Services) -> CommissionDesk:
    return CommissionDesk(uow=services.uow, settings=services.settings, clock=services.clock, i18n=services.i18n)


def parse_statement(value: str) -> UUID | None:
    try:
        return UUID(hex=value) if len(value) == 32 else None
    except ValueError:
        return None


# --- the rule table ------------------------------------------------------------------------------------------


async def show_rules(message: Message, services: Services) -> None:
    text, markup = views.rules_view(await desk(services).rule_table(), services.settings.currency)
    await message.answer(text, reply_markup=markup)


async def rules_button(callback: CallbackQuery, services: Services) -> None:
    await callback.answer()
    text, markup = views.rules_view(await desk(services).rule_table(), services.settings.currency)
    await show_in_place(callback, text, markup)


async def ask_amount(
    callback: CallbackQuery, callback_data: CommissionButton, services: Services, state: FSMContext
) -> None:
    try:
        draft = RuleDraft(outcome=Outcome(callback_data.outcome), tier=callback_data.tier)
    except ValueError:
        draft = None
    if draft is None or draft.tier not in views.tier_codes(draft.outcome):
        await callback.answer(views.statement_gone(), show_alert=True)
        return
    await callback.answer()
    await state.set_state(RuleEditing.amount)
    await state.set_data(draft.model_dump(mode="json"))
    current = (await desk(services).rule_table()).get((draft.outcome, draft.tier))
    await say(callback, views.ask_rule_amount(draft.outcome, draft.tier, services.settings.currency, current))


async def amount_typed(message: Message, services: Services, actor: Actor, state: FSMContext) -> None:
    currency = services.settings.currency
    value = parse_commission(message.text or "", currency)
    if value is None:
        await message.answer(views.bad_rule_amount(currency))
        return
    try:
        draft = RuleDraft.model_validate(await state.get_data())
    except ValidationError:
        await state.clear()
        await message.answer(views.statement_gone())
        return
    await state.clear()
    await desk(services).set_rule(actor, draft.outcome, draft.tier, value)
    await message.answer(views.rule_saved(draft.outcome, draft.tier, value, currency))


async def amount_not_text(message: Message, services: Services) -> None:
    await message.answer(views.bad_rule_amount(services.settings.currency))


async def show_history(callback: CallbackQuery, services: Services) -> None:
    await callback.answer()
    changes = await desk(services).history()
    named = []
    for change in changes:
        member = None if change.set_by is None else await services.uow.staff.get(change.set_by)
        named.append((change, None if member is None else member.display_name))
    await say(callback, views.history_view(named, desk(services).zone))


# --- statements ----------------------------------------------------------------------------------------------


async def show_month(message: Message, command: CommandObject, services: Services) -> None:
    typed = (command.args or "").strip()
    commissions = desk(services)
    month = previous_month(commissions.today()) if not typed else parse_month_code(typed)
    if month is None:
        await message.answer(views.statements_usage())
        return
    rows = await commissions.month(month)
    if not rows:  # on demand: the month is drawn up the first time it is asked for
        await commissions.draw_up(month)
        rows = await commissions.month(month)
    text, markup = views.month_view(month, rows, may_draw=True)
    await message.answer(text, reply_markup=markup)


async def month_button(callback: CallbackQuery, callback_data: CommissionButton, services: Services) -> None:
    month = parse_month_code(callback_data.ref)
    if month is None:
        await callback.answer(views.statement_gone(), show_alert=True)
        return
    commissions = desk(services)
    if callback_data.act is CommissionAct.DRAW:
        drawn = await commissions.draw_up(month)
        await callback.answer(views.drawn_text(len(drawn)))
    else:
        await callback.answer()
    text, markup = views.month_view(month, await commissions.month(month), may_draw=True)
    await show_in_place(callback, text, markup)


async def open_statement(
    callback: CallbackQuery, callback_data: CommissionButton, services: Services, actor: Actor
) -> None:
    commissions = desk(services)
    found = await commissions.statement(parse_statement(callback_data.ref))
    if found is None:
        await callback.answer(views.statement_gone(), show_alert=True)
        return
    await callback.answer()
    text, markup = views.statement_view(
        found.statement, found.counselor, found.lines, commissions.zone, may_approve=allows(actor.role, APPROVE)
    )
    await show_in_place(callback, text, markup)


async def approve(callback: CallbackQuery, callback_data: CommissionButton, services: Services, actor: Actor) -> None:
    commissions = desk(services)
    by = await services.casework.actor_id(actor)
    approved = await commissions.approve(actor, parse_statement(callback_data.ref), by=by)
    if approved.outcome is Approval.MISSING or approved.statement is None:
        await callback.answer(views.statement_gone(), show_alert=True)
        return
    if approved.outcome is Approval.NOT_ENDED:
        await callback.answer(views.not_ended(), show_alert=True)
        return
    statement = approved.statement
    total = views.minor_money(statement.total_minor, statement.currency)
    if approved.outcome is Approval.ALREADY:
        await callback.answer(views.already_approved(), show_alert=True)
    else:
        await callback.answer(views.approved_text(total), show_alert=True)
    found = await commissions.statement(statement.id)
    if found is not None:
        text, markup = views.statement_view(
            found.statement, found.counselor, found.lines, commissions.zone, may_approve=True
        )
        await show_in_place(callback, text, markup)


async def own_statements(message: Message, services: Services, actor: Actor) -> None:
    commissions = desk(services)
    found = await commissions.own(actor)
    await message.answer(views.own_view([(view.statement, view.lines) for view in found], commissions.zone))


def button_permission(data: CommissionButton) -> Permission:
    return SET if data.act in RULE_ACTS else APPROVE


def create_router() -> Router:
    router = Router(name="commissions")
    router.message.register(show_rules, Command("commissions"), Allowed(SET))
    router.message.register(show_month, Command("statements"), Allowed(APPROVE))
    router.message.register(own_statements, Command("mycommission"), Allowed(None))
    on = CommissionButton.filter
    router.callback_query.register(rules_button, on(F.act == CommissionAct.RULES), Allowed(SET))
    router.callback_query.register(ask_amount, on(F.act == CommissionAct.EDIT), Allowed(SET))
    router.callback_query.register(show_history, on(F.act == CommissionAct.HISTORY), Allowed(SET))
    router.callback_query.register(
        month_button, on(F.act.in_({CommissionAct.MONTH, CommissionAct.DRAW})), Allowed(APPROVE)
    )
    router.callback_query.register(open_statement, on(F.act == CommissionAct.OPEN), Allowed(APPROVE))
    router.callback_query.register(approve, on(F.act == CommissionAct.APPROVE), Allowed(APPROVE))
    refuse_the_rest(router, commands=COMMAND_PERMISSIONS, buttons=[(CommissionButton, button_permission)])
    return router


def create_answers_router() -> Router:
    """The typed amount of a rule: after the commands, so any command still works while it is asked."""
    router = Router(name="commissions.answers")
    router.message.register(amount_typed, RuleEditing.amount, F.text, Allowed(SET))
    router.message.register(amount_not_text, RuleEditing.amount)
    return router
