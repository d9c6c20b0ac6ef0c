"""What people type in the hiring dialogs: a candidate's interview answers (each checked, asked again when it
is not an answer) and a manager's position form and note. Tried after every feature's commands, so a command
still works in the middle; /cancel stops either dialog."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from pydantic import ValidationError

from domain.identity import VISITOR_LOCALE_KEY
from domain.personnel.hiring import (
    ANSWER_LIMIT,
    NAME_LIMIT,
    NOTE_LIMIT,
    AnswerProblem,
    Application,
    FormProblem,
    candidate_name,
    candidate_phone,
    free_answer,
    headcount,
    position_title,
    requirements,
)
from domain.staff import Permission, PermissionDenied, Role
from handlers.hiring.applying import refusal_text as apply_refusal_text
from handlers.hiring.router import bot_username, webchat_address
from handlers.hiring.states import (
    APPLICATION_KEY,
    ApplicationDraft,
    Applying,
    HiringNote,
    NoteDraft,
    PositionDraft,
    PositionForm,
)
from handlers.services.container import Services
from handlers.services.personnel.hiring import ApplyRefusal
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views import hiring as views
from handlers.views.hiring import parse_ref
from handlers.views.keyboards import contact_keyboard
from handlers.views.staff import refusal_text

HIRING = Permission.MANAGE_HIRING


# --- The candidate's interview -----------------------------------------------------------------------------


async def _draft(state: FSMContext) -> ApplicationDraft | None:
    try:
        return ApplicationDraft.model_validate((await state.get_data()).get(APPLICATION_KEY))
    except ValidationError:
        return None


async def _keep(state: FSMContext, draft: ApplicationDraft) -> None:
    await state.update_data({APPLICATION_KEY: draft.model_dump()})


async def _finish(state: FSMContext) -> None:
    """Leave the interview; a visitor's chosen language stays."""
    kept = {k: v for k, v in (await state.get_data()).items() if k == VISITOR_LOCALE_KEY}
    await state.set_state(None)
    await state.set_data(kept)


async def _stale(message: Message, state: FSMContext) -> None:
    await _finish(state)
    await message.answer(views.application_stale(), reply_markup=ReplyKeyboardRemove())


async def name_given(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    if draft is None:
        await _stale(message, state)
        return
    name = candidate_name(message.text or "")
    if isinstance(name, AnswerProblem):
        await message.answer(views.answer_problem(name, NAME_LIMIT) + "\n" + views.name_question())
        return
    await _keep(state, draft.model_copy(update={"name": name}))
    await state.set_state(Applying.phone)
    await message.answer(views.phone_question(), reply_markup=contact_keyboard())


async def phone_given(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    if draft is None:
        await _stale(message, state)
        return
    shared = message.contact.phone_number if message.contact is not None else None
    phone = candidate_phone(message.text, shared=shared)
    if isinstance(phone, AnswerProblem):
        await message.answer(views.answer_problem(phone, NAME_LIMIT), reply_markup=contact_keyboard())
        return
    await _keep(state, draft.model_copy(update={"phone": phone}))
    await state.set_state(Applying.experience)
    await message.answer(views.experience_question(), reply_markup=ReplyKeyboardRemove())


async def experience_given(message: Message, state: FSMContext) -> None:
    draft = await _draft(state)
    if draft is None:
        await _stale(message, state)
        return
    answer = free_answer(message.text or "")
    if isinstance(answer, AnswerProblem):
        await message.answer(views.answer_problem(answer, ANSWER_LIMIT) + "\n" + views.experience_question())
        return
    await _keep(state, draft.model_copy(update={"experience": answer}))
    await state.set_state(Applying.motivation)
    await message.answer(views.motivation_question())


async def motivation_given(message: Message, state: FSMContext, services: Services) -> None:
    draft = await _draft(state)
    if draft is None or draft.name is None or draft.phone is None or draft.experience is None:
        await _stale(message, state)
        return
    answer = free_answer(message.text or "")
    if isinstance(answer, AnswerProblem):
        await message.answer(views.answer_problem(answer, ANSWER_LIMIT) + "\n" + views.motivation_question())
        return
    application = Application(name=draft.name, phone=draft.phone, experience=draft.experience, motivation=answer)
    position_id = parse_ref(draft.position)
    result = await services.hiring.apply(position_id, application)
    await _finish(state)
    if isinstance(result, ApplyRefusal):
        await message.answer(apply_refusal_text(result))
        return
    summary = await services.hiring.position(position_id)
    await message.answer(views.applied(summary.position.title if summary else ""))


async def ask_again(message: Message, raw_state: str | None) -> None:
    questions = {
        Applying.name.state: views.name_question,
        Applying.phone.state: views.phone_question,
        Applying.experience.state: views.experience_question,
        Applying.motivation.state: views.motivation_question,
    }
    ask = questions.get(raw_state or "", views.name_question)
    markup = contact_keyboard() if raw_state == Applying.phone.state else None
    await message.answer(views.answer_problem(AnswerProblem.EMPTY, ANSWER_LIMIT) + "\n" + ask(), reply_markup=markup)


# --- The manager's position form and notes -------------------------------------------------------------------


async def _position_draft(state: FSMContext) -> PositionDraft | None:
    try:
        return PositionDraft.model_validate(await state.get_data())
    except ValidationError:
        return None


async def _form_stale(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer(views.form_stale())


async def title_given(message: Message, state: FSMContext) -> None:
    draft = await _position_draft(state)
    if draft is None:
        await _form_stale(message, state)
        return
    title = position_title(message.text or "")
    if isinstance(title, FormProblem):
        await message.answer(views.form_problem(title) + "\n" + views.title_question(Role(draft.role)))
        return
    await state.set_data(draft.model_copy(update={"title": title}).model_dump())
    await state.set_state(PositionForm.headcount)
    await message.answer(views.headcount_question())


async def headcount_given(message: Message, state: FSMContext) -> None:
    draft = await _position_draft(state)
    if draft is None:
        await _form_stale(message, state)
        return
    count = headcount(message.text or "")
    if isinstance(count, FormProblem):
        await message.answer(views.form_problem(count))
        return
    await state.set_data(draft.model_copy(update={"headcount": count}).model_dump())
    await state.set_state(PositionForm.requirements)
    await message.answer(views.requirements_question())


async def requirements_given(message: Message, state: FSMContext, services: Services, actor: Actor, bot: Bot) -> None:
    draft = await _position_draft(state)
    if draft is None or draft.title is None or draft.headcount is None:
        await _form_stale(message, state)
        return
    text = requirements(message.text or "")
    if isinstance(text, FormProblem):
        await message.answer(views.form_problem(text) + "\n" + views.requirements_question())
        return
    await state.clear()
    try:
        position = await services.hiring.open_position(actor, Role(draft.role), draft.title, draft.headcount, text)
    except PermissionDenied as denied:
        await message.answer(refusal_text(denied, actor.role))
        return
    summary = await services.hiring.position(position.id)
    assert summary is not None
    username = await bot_username(bot, services)
    body, markup = views.position_view(summary.position, summary.pipeline, username, webchat_address(services))
    await message.answer(body, reply_markup=markup, disable_web_page_preview=True)


async def form_not_text(message: Message, raw_state: str | None) -> None:
    questions = {
        PositionForm.headcount.state: views.headcount_question,
        PositionForm.requirements.state: views.requirements_question,
    }
    ask = questions.get(raw_state or "")
    await message.answer(views.form_problem(FormProblem.EMPTY) + ("\n" + ask() if ask else ""))


async def note_given(message: Message, state: FSMContext, services: Services, actor: Actor) -> None:
    data: dict[str, Any] = await state.get_data()
    try:
        draft = NoteDraft.model_validate(data)
    except ValidationError:
        await _form_stale(message, state)
        return
    note = free_answer(message.text or "", NOTE_LIMIT)
    if isinstance(note, AnswerProblem):
        await message.answer(views.answer_problem(note, NOTE_LIMIT) + "\n" + views.ask_note())
        return
    await state.clear()
    candidate_id = parse_ref(draft.candidate)
    card = (
        await services.hiring.card(actor, candidate_id)
        if await services.hiring.add_note(actor, candidate_id, note)
        else None
    )
    if card is None:
        await message.answer(views.stale())
        return
    await message.answer(views.note_saved())
    zone = ZoneInfo(services.settings.timezone)
    text, markup = views.candidate_view(card.candidate, card.position, card.timeline, card.names, zone)
    await message.answer(text, reply_markup=markup)


async def note_not_text(message: Message) -> None:
    await message.answer(views.ask_note())


def create_router() -> Router:
    router = Router(name="hiring.answers")
    router.message.register(name_given, Applying.name, F.text)
    router.message.register(phone_given, Applying.phone, F.text | F.contact)
    router.message.register(experience_given, Applying.experience, F.text)
    router.message.register(motivation_given, Applying.motivation, F.text)
    router.message.register(ask_again, Applying.name)
    router.message.register(ask_again, Applying.phone)
    router.message.register(ask_again, Applying.experience)
    router.message.register(ask_again, Applying.motivation)
    router.message.register(title_given, PositionForm.title, F.text, Allowed(HIRING))
    router.message.register(headcount_given, PositionForm.headcount, F.text, Allowed(HIRING))
    router.message.register(requirements_given, PositionForm.requirements, F.text, Allowed(HIRING))
    router.message.register(form_not_text, PositionForm.title)
    router.message.register(form_not_text, PositionForm.headcount)
    router.message.register(form_not_text, PositionForm.requirements)
    router.message.register(note_given, HiringNote.text, F.text, Allowed(HIRING))
    router.message.register(note_not_text, HiringNote.text)
    return router
