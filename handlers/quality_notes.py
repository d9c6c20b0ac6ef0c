"""Handlers' notes on a complaint case: "📝 Add a note" on the case card, the note in one message, the card
again with the note on its timeline. The note is sealed under the client's key (like the client's words)."""

from __future__ import annotations

from uuid import UUID

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from pydantic import BaseModel, ValidationError

from domain.quality import TextProblem, complaint_text
from domain.staff import PermissionDenied
from handlers.services.container import Services
from handlers.services.quality import CaseChange
from handlers.services.staff_access import Actor
from handlers.views import quality as views
from handlers.views.quality import CaseButton
from handlers.views.staff import refusal_text


class CaseNoting(StatesGroup):
    text = State()  # a handler is writing a note on a case


class CaseNoteDraft(BaseModel):
    case: str  # 32 hex digits

    def case_id(self) -> UUID | None:
        return views.parse_case(self.case)


async def ask_note(
    callback: CallbackQuery, callback_data: CaseButton, services: Services, actor: Actor, state: FSMContext, bot: Bot
) -> None:
    case_id = views.parse_case(callback_data.case)
    try:
        found = await services.quality.may_note(actor, case_id)
    except PermissionDenied as denied:
        await callback.answer(refusal_text(denied, actor.role), show_alert=True)
        return
    if case_id is None or not found:
        await callback.answer(views.case_gone(), show_alert=True)
        return
    await callback.answer()
    await state.set_state(CaseNoting.text)
    await state.set_data(CaseNoteDraft(case=case_id.hex).model_dump())
    await bot.send_message(callback.from_user.id, views.ask_case_note(case_id))


async def note_text(message: Message, services: Services, actor: Actor, state: FSMContext) -> None:
    try:
        case_id = CaseNoteDraft.model_validate(await state.get_data()).case_id()
    except ValidationError:
        case_id = None
    if case_id is None:
        await state.clear()
        await message.answer(views.case_gone())
        return
    typed = message.text or ""
    text = complaint_text(typed)
    if typed.startswith("/") or text is TextProblem.EMPTY:
        await message.answer(views.words_please() + " " + views.ask_case_note(case_id))
        return
    if text is TextProblem.TOO_LONG:
        await message.answer(views.text_too_long(len(typed.strip())) + "\n" + views.ask_case_note(case_id))
        return
    try:
        change = await services.quality.add_note(actor, case_id, text)
    except PermissionDenied as denied:
        await state.clear()
        await message.answer(refusal_text(denied, actor.role))
        return
    await state.clear()
    if change is not CaseChange.DONE:
        await message.answer(views.case_gone())
        return
    await message.answer(views.case_note_added())
    screen = await services.quality.case_screen(actor, case_id)
    if screen is not None:
        card, markup = screen
        await message.answer(card, reply_markup=markup)


async def note_not_text(message: Message, state: FSMContext) -> None:
    try:
        case_id = CaseNoteDraft.model_validate(await state.get_data()).case_id()
    except ValidationError:
        case_id = None
    if case_id is None:
        await state.clear()
        await message.answer(views.case_gone())
        return
    await message.answer(views.words_please() + " " + views.ask_case_note(case_id))
