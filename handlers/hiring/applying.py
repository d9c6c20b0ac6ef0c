"""A candidate's way in: `/start apply-<code>` (a position's job link) shows the position and what applying
means; "Start my application" begins the short interview (`answers`). Anyone may apply: a visitor, a client;
not a member of the staff. Tried before the client's /start, so a job link never starts the client intake."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.personnel.hiring import PAYLOAD_PREFIX, code_from_payload
from handlers.answers import say
from handlers.hiring.states import APPLICATION_KEY, ApplicationDraft, Applying
from handlers.services.container import Services
from handlers.services.personnel.hiring import ApplyRefusal
from handlers.views import hiring as views
from handlers.views.hiring import ApplyButton, parse_ref


def refusal_text(refusal: ApplyRefusal) -> str:
    match refusal:
        case ApplyRefusal.NO_POSITION:
            return views.no_position()
        case ApplyRefusal.NOT_OPEN:
            return views.not_open()
        case ApplyRefusal.STAFF:
            return views.already_staff()
        case ApplyRefusal.APPLIED:
            return views.already_applied()


async def open_job_link(message: Message, command: CommandObject, services: Services) -> None:
    found = await services.hiring.applicable(code_from_payload(command.args))
    if isinstance(found, ApplyRefusal):
        await message.answer(refusal_text(found))
        return
    text, markup = views.apply_intro(found)
    await message.answer(text, reply_markup=markup)


async def start_application(
    callback: CallbackQuery, callback_data: ApplyButton, services: Services, state: FSMContext
) -> None:
    found = await services.hiring.applicable_by_id(parse_ref(callback_data.ref))
    if isinstance(found, ApplyRefusal):
        await callback.answer(refusal_text(found), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Applying.name)
    await state.update_data({APPLICATION_KEY: ApplicationDraft(position=found.id.hex).model_dump()})
    await say(callback, views.name_question())


def create_router() -> Router:
    router = Router(name="hiring.applying")
    router.message.register(open_job_link, CommandStart(deep_link=True, magic=F.args.startswith(PAYLOAD_PREFIX)))
    router.callback_query.register(start_application, ApplyButton.filter())
    return router
