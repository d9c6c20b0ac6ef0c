"""Onboarding: /standard shows the agency's service standard; a new member accepts it with a button before
client records open to them, then (without a name yet) chooses the name clients see."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff.commands import help_for
from handlers.staff.naming import ask_name, current_name
from handlers.staff.permissions import COMMAND_PERMISSIONS, STANDARD_PERMISSION
from handlers.staff_access import Allowed
from handlers.views.staff import StandardButton, standard_view


async def show_standard(message: Message, actor: Actor) -> None:
    text, markup = standard_view(due=actor.standard_due)
    await message.answer(text, reply_markup=markup)


async def accept_standard(callback: CallbackQuery, actor: Actor, services: Services, state: FSMContext) -> None:
    message = callback.message if isinstance(callback.message, Message) else None
    if not await services.staff.accept_standard(actor):
        # Pressed again (an old message): nothing to record.
        await callback.answer(_("You have already accepted the service standard."))
        if message is not None and message.reply_markup is not None:
            await message.edit_reply_markup(reply_markup=None)
        return
    await callback.answer(_("Thank you!"))
    if message is None:
        return
    await message.edit_reply_markup(reply_markup=None)
    thanks = _("Thank you for accepting the service standard. Client records are open to you now.")
    name = current_name(actor)
    if name:
        await message.answer(thanks + "\n\n" + help_for(actor, name=name, standard_due=False))
        return
    await message.answer(thanks)
    await ask_name(message, state, services, callback.from_user, current=None)


def create_router() -> Router:
    router = Router(name="staff.standard")
    router.message.register(show_standard, Command("standard"), Allowed(COMMAND_PERMISSIONS["standard"]))
    router.callback_query.register(accept_standard, StandardButton.filter(), Allowed(STANDARD_PERMISSION))
    return router
