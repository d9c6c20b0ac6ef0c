"""/clients, a client's card, and reassignment by managers."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from domain.casework import sees_every_client
from handlers.answers import show_in_place
from handlers.casework.flow import after_change, allowed_button, casework_of, reach
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework import screens as views
from handlers.views.casework.buttons import COMMAND_PERMISSIONS, CaseAction, CaseButton, Scope, short
from handlers.views.keyboards import InlineKeyboardBuilder
from handlers.views.texts import quote

router = Router(name="casework.clients")


# --- /clients and the card ---------------------------------------------------------------------------------


@router.message(Command("clients"), Allowed(COMMAND_PERMISSIONS["clients"]))
async def list_clients(message: Message, command: CommandObject, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    if not command.args:
        text, markup = await work.list_view(actor, Scope.MINE, 0)
        await message.answer(text, reply_markup=markup)
        return
    reference = command.args.strip()
    found = await work.find_candidates(reference)
    if len(found) != 1:
        await message.answer(
            _("No single client has the reference “{reference}”. Send /clients to see your clients.").format(
                reference=quote(reference[:32])
            )
        )
        return
    reached = await work.reach(actor, found[0])
    if isinstance(reached, str):
        await message.answer(reached)
        return
    text, markup = await work.card(actor, reached)
    await message.answer(text, reply_markup=markup)


@router.callback_query(*allowed_button(CaseAction.LIST))
async def page_clients(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    if callback_data.scope is not Scope.MINE and not sees_every_client(actor.role):
        await callback.answer(_("Only managers see every client."), show_alert=True)
        return
    page = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    await callback.answer()
    await show_in_place(callback, *await casework_of(data).list_view(actor, callback_data.scope, page))


@router.callback_query(*allowed_button(CaseAction.OPEN))
async def open_card(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    await callback.answer()
    await show_in_place(callback, *await work.card(actor, found))


# --- reassignment (managers) -------------------------------------------------------------------------------


@router.callback_query(*allowed_button(CaseAction.REASSIGN))
async def choose_counselor(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
    found = await reach(callback, work, actor, callback_data.client)
    if found is None:
        return
    current = None if found.assignment is None else found.assignment.counselor_id
    builder = InlineKeyboardBuilder()
    for member, load in await work.counselors():
        mark = "✓ " if member.account_id == current else ""
        name = (member.display_name or "?")[:24]
        builder.button(
            text=_("{mark}{name} (clients: {count})").format(mark=mark, name=name, count=load),
            callback_data=CaseButton(action=CaseAction.ASSIGN_TO, client=found.client_id, arg=short(member.account_id)),
        )
    builder.button(text=_("« Back"), callback_data=CaseButton(action=CaseAction.OPEN, client=found.client_id))
    await callback.answer()
    text = _("Who should look after {client}? Counselors who accepted the service standard:").format(
        client=views.client_reference(found.client_id, found.profile)
    )
    await show_in_place(callback, text, builder.as_markup())


@router.callback_query(*allowed_button(CaseAction.ASSIGN_TO))
async def assign_to(callback: CallbackQuery, callback_data: CaseButton, actor: Actor, **data: Any) -> None:
    work = casework_of(data)
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
