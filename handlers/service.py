"""Commands that work everywhere: /help (each person their own commands: a client the client's, a staff
member those their role's permissions open) and /cancel."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, ReplyKeyboardRemove
from aiogram.utils.i18n import gettext as _

from domain.identity import VISITOR_LOCALE_KEY
from domain.staff import PermissionDenied
from handlers.journey import Journey
from handlers.services.container import Services
from handlers.staff.commands import help_for
from handlers.staff.naming import current_name
from handlers.views.texts import help_text


async def show_help(message: Message, services: Services) -> None:
    try:
        actor = await services.authorize(None)
    except PermissionDenied:  # a client or a visitor
        await message.answer(help_text())
        return
    await message.answer(help_for(actor, name=current_name(actor)))


async def cancel(message: Message, state: FSMContext) -> None:
    current = await state.get_state()
    if current is None:
        await message.answer(_("There is nothing to cancel."), reply_markup=ReplyKeyboardRemove())
        return
    kept = {k: v for k, v in (await state.get_data()).items() if k == VISITOR_LOCALE_KEY}
    await state.set_state(None)
    await state.set_data(kept)
    if current in Journey:
        # The journey's answers are saved as they are given: /cancel pauses it, /start resumes.
        text = _("Stopped. Everything you answered is saved; send /start when you want to continue.")
    else:
        text = _("Cancelled. Send /help to see what I can do.")
    await message.answer(text, reply_markup=ReplyKeyboardRemove())


def create_router() -> Router:
    router = Router(name="service")
    router.message.register(show_help, Command("help"))
    router.message.register(cancel, Command("cancel"))
    return router
