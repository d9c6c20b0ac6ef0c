"""An outbox message (`domain.delivery.OutboundMessage`) as the Bot API call that sends it.

Shared by whoever sends one: the delivery worker (`bot.delivery`) and a handler that answers with a message
built for the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from domain.delivery import ChatAddress, InlineButton, OutboundMessage

PARSE_MODE = "HTML"

OutboxMethod = SendMessage | SendPhoto | SendDocument

def to_method(chat: ChatAddress, message: OutboundMessage) -> OutboxMethod:
    markup = _markup(message)
    if message.attachment is None:
        return SendMessage(chat_id=chat.chat_id, text=message.text, parse_mode=PARSE_MODE, reply_markup=markup)
    caption = message.text or None
    if message.attachment.kind == "photo":
        return SendPhoto(
            chat_id=chat.chat_id,
            photo=message.attachment.file,
            caption=caption,
            parse_mode=PARSE_MODE,
            reply_markup=markup,
        )
    return SendDocument(
        chat_id=chat.chat_id,
        document=message.attachment.file,
        caption=caption,
        parse_mode=PARSE_MODE,
        reply_markup=markup,
    )


def keyboard_markup(rows: Sequence[Sequence[InlineButton]]) -> InlineKeyboardMarkup:
    """Outbox-style buttons (`InlineButton` rows) as the inline keyboard of a Bot API call."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=button.text, callback_data=button.callback_data)
                if button.callback_data is not None
                else InlineKeyboardButton(text=button.text, url=button.url)
                for button in row
            ]
            for row in rows
        ]
    )


def _markup(message: OutboundMessage) -> InlineKeyboardMarkup | None:
    return keyboard_markup(message.keyboard) if message.keyboard else None
