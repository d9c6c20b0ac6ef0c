"""The organiser's filled-in event form (state `EventForm.form`), tried after every feature's commands so a
command still works in the middle; anything but text asks again."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from pydantic import ValidationError

from domain.dates import zone_for
from handlers.events.router import EVENTS_PERMISSION
from handlers.events.states import EditDraft, EventForm
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views import event_changes as change_views
from handlers.views import events as views
from handlers.views.texts import current_locale


async def form_sent(message: Message, state: FSMContext, services: Services, actor: Actor) -> None:
    organiser = actor.account_id or (None if services.principal is None else services.principal.account_id)
    if organiser is None:  # an ADMIN_IDS owner who never started the bot has no account to sign the event
        await state.clear()
        await message.answer(views.start_first())
        return
    result = await services.events.publish(organiser, message.text or "")
    if isinstance(result, list):
        await message.answer(views.form_problems(result))
        return
    await state.clear()
    await message.answer(views.published(result.event, result.invited, zone_for(None, services.settings.timezone)))


async def form_not_text(message: Message) -> None:
    await message.answer(views.form_request())


async def edit_sent(message: Message, state: FSMContext, services: Services) -> None:
    try:
        event_id = EditDraft.model_validate(await state.get_data()).event_id()
    except ValidationError:
        event_id = None
    result = None if event_id is None else await services.event_edits.edit(event_id, message.text or "")
    if isinstance(result, list):
        await message.answer(views.form_problems(result))
        return
    await state.clear()
    if result is None:
        await message.answer(change_views.no_event())
        return
    title = result.event.spec.title(current_locale())
    await message.answer(change_views.edited(title, result.changes, result.told, result.promoted))


async def edit_not_text(message: Message) -> None:
    await message.answer(change_views.edit_again())


def create_router() -> Router:
    router = Router(name="events.answers")
    router.message.register(form_sent, EventForm.form, F.text, Allowed(EVENTS_PERMISSION))
    router.message.register(form_not_text, EventForm.form)
    router.message.register(edit_sent, EventForm.edit, F.text, Allowed(EVENTS_PERMISSION))
    router.message.register(edit_not_text, EventForm.edit)
    return router
