"""Choosing the conversation language: on /start and with /language."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.identity import VISITOR_LOCALE_KEY, Principal
from storage.unit_of_work import UnitOfWork

router = Router(name="language")

# Each language is named in itself, so anyone can find their own.
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}


class LanguageChoice(CallbackData, prefix="lang"):
    code: str


def language_keyboard() -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        builder.button(text=name, callback_data=LanguageChoice(code=code))
    builder.adjust(len(LANGUAGE_NAMES))
    return builder.as_markup()


@router.message(Command("language"))
async def ask_language(message: Message) -> None:
    await message.answer(_("Which language would you like me to use?"), reply_markup=language_keyboard())


@router.callback_query(LanguageChoice.filter(F.code.in_(LANGUAGE_NAMES)))
async def choose_language(
    callback: CallbackQuery,
    callback_data: LanguageChoice,
    principal: Principal,
    uow: UnitOfWork,
    state: FSMContext,
    i18n: I18n,
) -> None:
    code = callback_data.code
    if principal.account_id is not None:
        await uow.accounts.set_locale(principal.account_id, code)
    else:
        await state.update_data({VISITOR_LOCALE_KEY: code})
    with i18n.use_locale(code):
        confirmation = _("I will speak English with you from now on. Send /help to see what I can do.")
        await callback.answer(LANGUAGE_NAMES[code])
    if callback.message is not None and isinstance(callback.message, Message):
        await callback.message.edit_text(confirmation)
