"""/clients (the lists, a search by reference or name), a client's card, and reassignment by managers."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import sees_every_client
from handlers.answers import show_in_place
from handlers.casework.flow import after_change, allowed_button, reach
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import COMMAND_PERMISSIONS, CaseAction, CaseButton, ListPage, Scope
from handlers.views.casework.choices import counselor_choice
from handlers.views.casework.listing import ClientList, client_list_view

# --- /clients and the card ---------------------------------------------------------------------------------


async def list_clients(message: Message, command: CommandObject, actor: Actor, services: Services) -> None:
    """/clients: the member's own clients; /clients TEXT: a client by reference or name."""
    work = services.casework
    if not command.args or not command.args.strip():
        text, markup = client_list_view(await work.client_list(actor, Scope.MINE, 0))
        await message.answer(text, reply_markup=markup)
        return
    found = await work.search(actor, command.args)
    if isinstance(found, str):
        await message.answer(found)
        return
    if isinstance(found, ClientList):
        text, markup = client_list_view(found)
    else:
        text, markup = await work.card(actor, found)
    await message.answer(text, reply_markup=markup)


async def page_clients(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    if callback_data.scope is not Scope.MINE and not sees_every_client(actor.role):
        await callback.answer(_("Only managers see every client."), show_alert=True)
        return
    shown = ListPage.parse(callback_data.arg)
    await callback.answer()
    listing = await services.casework.client_list(actor, callback_data.scope, shown.page, demo=shown.demo)
    await show_in_place(callback, *client_list_view(listing))


async def open_card(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await callback.answer()
    await show_in_place(callback, *await work.card(actor, found))


# --- reassignment (managers) -------------------------------------------------------------------------------


async def choose_counselor(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services
) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    current = None if found.assignment is None else found.assignment.counselor_id
    screen = counselor_choice(found.client_id, found.profile, await work.counselors(), current)
    await callback.answer()
    await show_in_place(callback, *screen)


async def assign_to(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services) -> None:
    work = services.casework
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    counselor = await work.counselor_by_reference(callback_data.arg)
    if counselor is None:
        await callback.answer(_("This counselor cannot take clients now."), show_alert=True)
        return
    changed = await work.reassign(actor, found, counselor)
    name = views.staff_name(counselor)
    toast = _("Now looked after by {name}.").format(name=name) if changed else _("Nothing changed.")
    await after_change(callback, work, actor, found.client_id, toast)


def create_router() -> Router:
    router = Router(name="casework.clients")
    router.message.register(list_clients, Command("clients"), Allowed(COMMAND_PERMISSIONS["clients"]))
    router.callback_query.register(page_clients, *allowed_button(CaseAction.LIST))
    router.callback_query.register(open_card, *allowed_button(CaseAction.OPEN))
    router.callback_query.register(choose_counselor, *allowed_button(CaseAction.REASSIGN))
    router.callback_query.register(assign_to, *allowed_button(CaseAction.ASSIGN_TO))
    return router
