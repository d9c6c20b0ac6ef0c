"""Choosing the conversation language: on /start and with /language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from handlers.answers import show_in_place
from handlers.journey import Conversation
from handlers.services.container import Services
from handlers.views.keyboards import LANGUAGE_NAMES, LanguageChoice, language_keyboard


async def ask_language(message: Message) -> None:
    await message.answer(_("Which language would you like me to use?"), reply_markup=language_keyboard())


async def choose_language(
    callback: CallbackQuery, callback_data: LanguageChoice, conversation: Conversation, services: Services
) -> None:
    code = callback_data.code
    await conversation.remember_language(code)
    with services.i18n.use_locale(code):
        confirmation = _("I will speak English with you from now on. Send /help to see what I can do.")
        await callback.answer(LANGUAGE_NAMES[code])
    await show_in_place(callback, confirmation, None)


def create_router() -> Router:
    router = Router(name="language")
    router.message.register(ask_language, Command("language"))
    router.callback_query.register(choose_language, LanguageChoice.filter(F.code.in_(LANGUAGE_NAMES)))
    return router
