"""/audit for managers: who opened which client's data and when, by staff member or client."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.answers import show_in_place
from handlers.casework.audit_log import audit_view, resolve_reference
from handlers.casework.flow import casework_of
from handlers.staff_access import Allowed
from handlers.views.casework.buttons import AUDIT_PERMISSION, AuditButton, AuditFilter
from handlers.views.texts import quote

router = Router(name="casework.auditing")


# --- /audit -------------------------------------------------------------------------------------------------


@router.message(Command("audit"), Allowed(AUDIT_PERMISSION))
async def show_audit(message: Message, command: CommandObject, **data: Any) -> None:
    work = casework_of(data)
    if not command.args:
        text, markup = await audit_view(work, AuditFilter.ALL, None, 0)
        await message.answer(text, reply_markup=markup)
        return
    resolved = await resolve_reference(work, command.args.strip())
    if resolved is None:
        await message.answer(
            _("No staff member or client has the reference “{reference}”.").format(
                reference=quote(command.args.strip()[:32])
            )
        )
        return
    text, markup = await audit_view(work, *resolved, 0)
    await message.answer(text, reply_markup=markup)


@router.callback_query(AuditButton.filter(), Allowed(AUDIT_PERMISSION))
async def page_audit(callback: CallbackQuery, callback_data: AuditButton, **data: Any) -> None:
    await callback.answer()
    view = await audit_view(casework_of(data), callback_data.kind, callback_data.who, max(callback_data.page, 0))
    await show_in_place(callback, *view)
