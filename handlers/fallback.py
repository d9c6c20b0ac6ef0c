"""The last router: anything no other handler took gets a polite answer, never silence."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

router = Router(name="fallback")


@router.message()
async def not_understood(message: Message) -> None:
    if message.text is not None and message.text.startswith("/"):
        text = _("I don't know that command. Send /help to see what I can do.")
    else:
        text = _("Sorry, I didn't understand that. Send /help to see what I can do.")
    await message.answer(text)


@router.callback_query()
async def stale_button(callback: CallbackQuery) -> None:
    await callback.answer(_("This button is no longer active."), show_alert=False)
