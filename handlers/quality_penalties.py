"""Staff penalties: /penalty (a manager with SUPERVISE_QUALITY records one), /penalties (one's own, with an
appeal button each; a manager may add a member's reference, and lift a suspension or dismissal there), the appeal
in words, and keep or lift. A member whom a suspension or dismissal made inactive still has their own
/penalties and the appeal (`OwnPenalties`), and nothing else."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject
from pydantic import BaseModel, ValidationError

from domain.quality import MAX_APPEAL_TEXT, AppealDecision, OrderProblem, parse_penalty_order
from domain.staff import Permission, PermissionDenied
from handlers.answers import settle
from handlers.services.container import Services
from handlers.services.quality_penalties import Issue, amount_of
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed, refuse_the_rest
from handlers.views import quality_penalties as views
from handlers.views.quality import parse_case
from handlers.views.quality_penalties import PenaltyAct, PenaltyButton
from handlers.views.staff import refusal_text

SUPERVISE = Permission.SUPERVISE_QUALITY
# Listed in the staff /help (/penalties: every member's own).
COMMAND_PERMISSIONS: dict[str, Permission | None] = {"penalty": SUPERVISE, "penalties": None}


class Appealing(StatesGroup):
    text = State()  # a staff member is writing the appeal of a penalty


class OwnPenalties(Filter):
    """`Allowed(None)`, and also a member whom a suspension or dismissal made inactive: their own penalties and
    the appeal stay open to them. Hands the handler `actor`."""

    async def __call__(self, event: TelegramObject, services: Services) -> bool | dict[str, Any]:
        try:
            actor = await services.authorize(None)
        except PermissionDenied:
            penalised = await services.penalties.penalised_actor(services.principal)
            return False if penalised is None else {"actor": penalised}
        return {"actor": actor}


class AppealDraft(BaseModel):
    penalty: str  # 32 hex digits

    def penalty_id(self) -> UUID | None:
        return parse_case(self.penalty)


async def order_penalty(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    order = parse_penalty_order(command.args or "")
    if isinstance(order, OrderProblem):
        await message.answer(views.usage(None if order is OrderProblem.USAGE else order))
        return
    issued = await services.penalties.issue(actor, order)
    if issued.outcome is Issue.DONE and issued.penalty is not None:
        name = None if issued.member is None else issued.member.display_name
        await message.answer(views.issued(issued.penalty, name, amount_of(issued.penalty)))
    elif issued.outcome is Issue.NO_MEMBER:
        await message.answer(views.no_member())
    elif issued.outcome is Issue.BAD_AMOUNT:
        await message.answer(views.bad_amount(services.settings.currency))
    elif issued.outcome is Issue.SELF:
        await message.answer(views.not_self())
    else:
        await message.answer(views.outranks())


async def show_penalties(message: Message, command: CommandObject, services: Services, actor: Actor) -> None:
    reference = (command.args or "").strip().lstrip("#").lower()
    if not reference:
        if actor.account_id is None:
            await message.answer(views.penalty_list([], [], own=True)[0])
            return
        penalties = await services.penalties.of_member(actor.account_id)
        text, markup = views.penalty_list(penalties, [amount_of(p) for p in penalties], own=True)
        await message.answer(text, reply_markup=markup)
        return
    try:
        await services.authorize(SUPERVISE)
    except PermissionDenied as denied:
        await message.answer(refusal_text(denied, actor.role))
        return
    member = await services.penalties.find_member(reference)
    if member is None:
        await message.answer(views.no_member())
        return
    penalties = await services.penalties.of_member(member.account_id)
    text, markup = views.penalty_list(penalties, [amount_of(p) for p in penalties], own=False)
    await message.answer(text, reply_markup=markup)


async def ask_appeal(
    callback: CallbackQuery, callback_data: PenaltyButton, services: Services, actor: Actor, state: FSMContext
) -> None:
    if not await services.penalties.may_appeal(actor, parse_case(callback_data.penalty)):
        await callback.answer(views.appeal_stale(), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Appealing.text)
    await state.set_data(AppealDraft(penalty=callback_data.penalty).model_dump())
    if isinstance(callback.message, Message):
        await callback.message.answer(views.ask_appeal())


async def appeal_text(message: Message, services: Services, actor: Actor, state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not text or text.startswith("/") or len(text) > MAX_APPEAL_TEXT:
        await message.answer(views.ask_appeal())
        return
    try:
        draft = AppealDraft.model_validate(await state.get_data())
    except ValidationError:
        await state.clear()
        await message.answer(views.appeal_stale())
        return
    await state.clear()
    done = await services.penalties.appeal(actor, draft.penalty_id(), text)
    await message.answer(views.appeal_sent() if done else views.appeal_stale())


async def appeal_not_text(message: Message) -> None:
    await message.answer(views.ask_appeal())


async def decide(callback: CallbackQuery, callback_data: PenaltyButton, services: Services, actor: Actor) -> None:
    decision = AppealDecision.KEPT if callback_data.act is PenaltyAct.KEEP else AppealDecision.LIFTED
    penalty = await services.penalties.decide(actor, parse_case(callback_data.penalty), decision)
    if penalty is None:
        await callback.answer(views.decision_stale(), show_alert=True)
        return
    await callback.answer()
    await settle(callback, views.decided(decision))


def button_permission(data: PenaltyButton) -> Permission | None:
    return None if data.act is PenaltyAct.APPEAL else SUPERVISE


def create_router() -> Router:
    router = Router(name="quality.penalties")
    router.message.register(order_penalty, Command("penalty"), Allowed(SUPERVISE))
    router.message.register(show_penalties, Command("penalties"), OwnPenalties())
    router.callback_query.register(ask_appeal, PenaltyButton.filter(F.act == PenaltyAct.APPEAL), OwnPenalties())
    router.callback_query.register(
        decide, PenaltyButton.filter(F.act.in_({PenaltyAct.KEEP, PenaltyAct.LIFT})), Allowed(SUPERVISE)
    )
    router.message.register(appeal_text, Appealing.text, F.text, OwnPenalties())
    router.message.register(appeal_not_text, Appealing.text)
    refuse_the_rest(
        router,
        commands=COMMAND_PERMISSIONS,
        buttons=[(PenaltyButton, button_permission)],
    )
    return router
