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

from domain.identity import Principal
from domain.staff import Permission, PermissionDenied
from handlers.services.staff_access import authorize, staff_role
from handlers.views.staff import refusal_text
from storage.unit_of_work import UnitOfWork


class Allowed(Filter):
    """Passes staff members who hold `permission` (any staff member when None) and hands the handler `actor`.

    The filter sits after the command or callback-data filter, so the member's row is read only for the
    updates this handler would take. A refused update goes on to the router's refusal handlers.
    """

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission

    async def __call__(
        self, event: TelegramObject, uow: UnitOfWork, principal: Principal | None = None
    ) -> bool | dict[str, Any]:
        try:
            actor = await authorize(principal, uow, self.permission)
        except PermissionDenied:
            return False
        return {"actor": actor}


async def refusal_for(principal: Principal | None, uow: UnitOfWork, permission: Permission | None) -> str:
    """Why a staff command or button was turned away by its `Allowed` filter (or that the button is stale)."""
    try:
        await authorize(principal, uow, permission)
    except PermissionDenied as denied:
        return refusal_text(denied, staff_role(principal))
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

        async def refuse_command(
            message: Message, command: CommandObject, uow: UnitOfWork, principal: Principal | None = None
        ) -> None:
            await message.answer(await refusal_for(principal, uow, needs[command.command]))

        router.message.register(refuse_command, Command(*needs))
    for factory, permission_of in buttons:

        async def refuse_button(
            callback: CallbackQuery,
            callback_data: CallbackData,
            uow: UnitOfWork,
            principal: Principal | None = None,
            permission_of: ButtonPermission = permission_of,
        ) -> None:
            text = await refusal_for(principal, uow, permission_of(callback_data))
            await callback.answer(text, show_alert=True)

        router.callback_query.register(refuse_button, factory.filter())
