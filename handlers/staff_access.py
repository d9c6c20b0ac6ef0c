"""Staff routers' gate: the `Allowed` filter, and the handlers that answer what it turned away.

`handlers.services.staff_access` says who the staff member is and what they may do; `handlers.views.staff`
words the refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.i18n import gettext as _

from domain.staff import Permission, PermissionDenied
from handlers.services.container import Services
from handlers.services.staff_access import staff_role
from handlers.views.staff import refusal_text


class Allowed(Filter):
    """Passes staff members who hold `permission` (any staff member when None) and hands the handler `actor`.

    The filter sits after the command or callback-data filter, so the member's row is read only for the
    updates this handler would take. A refused update goes on to the router's refusal handlers.
    """

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission

    async def __call__(self, event: TelegramObject, services: Services) -> bool | dict[str, Any]:
        try:
            actor = await services.authorize(self.permission)
        except PermissionDenied:
            return False
        return {"actor": actor}


async def refusal_for(services: Services, permission: Permission | None) -> str:
    """Why a staff command or button was turned away by its `Allowed` filter (or that the button is stale)."""
    try:
        await services.authorize(permission)
    except PermissionDenied as denied:
        return refusal_text(denied, staff_role(services.principal))
    return _("This button is no longer active.")


ButtonPermission = Callable[[Any], Permission | None]


def refuse_the_rest(
    router: Router,
    *,
    commands: Mapping[str, Permission | None] | None = None,
    buttons: Sequence[tuple[type[CallbackData], ButtonPermission]] = (),
) -> None:
    """Register, after a staff router's `Allowed` handlers, the ones that answer what those filters turned
    away: each command in `commands` and each button of the given callback-data factories, with a polite
    refusal that names what is missing (`permission_of(callback_data)` says what a button needs)."""
    if commands:
        needs = dict(commands)

        async def refuse_command(message: Message, command: CommandObject, services: Services) -> None:
            await message.answer(await refusal_for(services, needs[command.command]))

        router.message.register(refuse_command, Command(*needs))
    for factory, permission_of in buttons:

        async def refuse_button(
            callback: CallbackQuery,
            callback_data: CallbackData,
            services: Services,
            permission_of: ButtonPermission = permission_of,
        ) -> None:
            text = await refusal_for(services, permission_of(callback_data))
            await callback.answer(text, show_alert=True)

        router.callback_query.register(refuse_button, factory.filter())
