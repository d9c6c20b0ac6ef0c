"""/staff: the team, a member's card, role changes, deactivation and reactivation.

The member a button names is read afresh and checked against the presser's authority (`services.staff`);
a refusal is shown as an alert that says what is missing.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _

from domain.staff import PermissionDenied, parse_role
from handlers.answers import say, show_in_place
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff.permissions import COMMAND_PERMISSIONS, action_filters
from handlers.staff_access import Allowed
from handlers.views.staff import (
    StaffAction,
    StaffButton,
    button_name,
    handover_text,
    member_card,
    refusal_text,
    role_label,
    team_view,
)
from storage.records import StaffMember


def card(actor: Actor, member: StaffMember) -> tuple[str, InlineKeyboardMarkup]:
    """The member's card as `actor` sees it: with buttons for what they may change."""
    return member_card(member, manageable=actor.may_manage(member), roles=actor.grantable_roles)


async def target(callback: CallbackQuery, callback_data: StaffButton, services: Services) -> StaffMember | None:
    """The member the button names, read afresh; None (and the button answered) when there is none."""
    member = await services.staff.member(callback_data.member)
    if member is None:
        await callback.answer(_("This button is no longer active."))
    return member


async def refuse(callback: CallbackQuery, actor: Actor, denied: PermissionDenied) -> None:
    await callback.answer(refusal_text(denied, actor.role), show_alert=True)


async def list_staff(message: Message, services: Services) -> None:
    text, markup = team_view(await services.staff.team())
    await message.answer(text, reply_markup=markup)


async def back_to_list(callback: CallbackQuery, services: Services) -> None:
    await callback.answer()
    text, markup = team_view(await services.staff.team())
    await show_in_place(callback, text, markup)


async def open_member(callback: CallbackQuery, callback_data: StaffButton, actor: Actor, services: Services) -> None:
    member = await target(callback, callback_data, services)
    if member is None:
        return
    await callback.answer()
    await show_in_place(callback, *card(actor, member))


async def change_role(callback: CallbackQuery, callback_data: StaffButton, actor: Actor, services: Services) -> None:
    member = await target(callback, callback_data, services)
    if member is None:
        return
    role = parse_role(callback_data.role)
    if role is None:
        await callback.answer(_("This button is no longer active."))
        return
    try:
        member = await services.staff.change_role(actor, member, role)
    except PermissionDenied as denied:
        await refuse(callback, actor, denied)
        return
    await callback.answer(_("{name} is now {role}.").format(name=button_name(member), role=role_label(role)))
    await show_in_place(callback, *card(actor, member))


async def set_access(
    callback: CallbackQuery, callback_data: StaffButton, actor: Actor, services: Services, *, active: bool
) -> None:
    member = await target(callback, callback_data, services)
    if member is None:
        return
    try:
        change = await services.staff.set_access(actor, member, active=active)
    except PermissionDenied as denied:
        await refuse(callback, actor, denied)
        return
    if active:
        await callback.answer(_("Access restored."))
    else:
        await callback.answer(_("Deactivated: no more access to the staff tools."))
    await show_in_place(callback, *card(actor, change.member))
    if change.moved:
        handed = len(change.moved) - change.waiting
        await say(callback, handover_text(change.member, handed=handed, waiting=change.waiting))


async def deactivate(callback: CallbackQuery, callback_data: StaffButton, actor: Actor, services: Services) -> None:
    await set_access(callback, callback_data, actor, services, active=False)


async def reactivate(callback: CallbackQuery, callback_data: StaffButton, actor: Actor, services: Services) -> None:
    await set_access(callback, callback_data, actor, services, active=True)


def create_router() -> Router:
    router = Router(name="staff.roster")
    router.message.register(list_staff, Command("staff"), Allowed(COMMAND_PERMISSIONS["staff"]))
    router.callback_query.register(back_to_list, *action_filters(StaffAction.LIST))
    router.callback_query.register(open_member, *action_filters(StaffAction.OPEN))
    router.callback_query.register(change_role, *action_filters(StaffAction.ROLE))
    router.callback_query.register(deactivate, *action_filters(StaffAction.DEACTIVATE))
    router.callback_query.register(reactivate, *action_filters(StaffAction.REACTIVATE))
    return router
