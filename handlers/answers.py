"""Answering a button press in place: edit the pressed message, or write anew when it is out of reach."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message


def unchanged(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """True when the message already shows this text and these buttons (Telegram rejects such an edit)."""
    return message.html_text == text and message.reply_markup == markup


async def show_in_place(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message's text and buttons; a new message when the pressed one is out of reach."""
    if isinstance(callback.message, Message):
        if unchanged(callback.message, text, markup):
            return
        try:
            await callback.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:  # the same text in other markup (e.g. an entity written otherwise)
            if "message is not modified" not in exc.message:
                raise
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def say(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the presser's chat (the pressed message may be too old to answer)."""
    if isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=markup)
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)
