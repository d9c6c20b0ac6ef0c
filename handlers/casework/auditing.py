"""Supervision: /audit for managers (who opened which client's data and when, by staff member or client) and the
relay transcript from a client's card (audited like every read)."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.answers import show_in_place
from handlers.casework.flow import allowed_button, reach
from handlers.services.container import Services
from handlers.services.staff_access import Actor
from handlers.staff_access import Allowed
from handlers.views.casework.audit import audit_view
from handlers.views.casework.buttons import AUDIT_PERMISSION, AuditButton, AuditFilter, CaseAction, CaseButton
from handlers.views.texts import quote


async def show_audit(message: Message, command: CommandObject, services: Services) -> None:
    log = services.audit_log
    reference = (command.args or "").strip()
    if not command.args:
        text, markup = audit_view(await log.page(AuditFilter.ALL, None, 0))
        await message.answer(text, reply_markup=markup)
        return
    resolved = await log.reference(reference)
    if resolved is None:
        await message.answer(
            _("No staff member or client has the reference “{reference}”.").format(reference=quote(reference[:32]))
        )
        return
    text, markup = audit_view(await log.page(*resolved, 0))
    await message.answer(text, reply_markup=markup)


async def page_audit(callback: CallbackQuery, callback_data: AuditButton, services: Services) -> None:
    await callback.answer()
    shown = await services.audit_log.page(callback_data.kind, callback_data.who, max(callback_data.page, 0))
    await show_in_place(callback, *audit_view(shown))


async def show_transcript(
    callback: CallbackQuery, callback_data: CaseButton, actor: Actor, services: Services, bot: Bot
) -> None:
    """The card's transcript, as a message of its own under the card (the card stays as it was)."""
    found = await reach(callback, services.casework, actor, callback_data.client)
    if found is None:
        return
    text = await services.transcripts.read_text(actor, found.client_id.hex)
    await callback.answer()
    if text is not None:
        await bot.send_message(callback.from_user.id, text)


def create_router() -> Router:
    router = Router(name="casework.auditing")
    router.message.register(show_audit, Command("audit"), Allowed(AUDIT_PERMISSION))
    router.callback_query.register(page_audit, AuditButton.filter(), Allowed(AUDIT_PERMISSION))
    router.callback_query.register(show_transcript, *allowed_button(CaseAction.TRANSCRIPT))
    return router
