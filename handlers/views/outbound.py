"""An outbox message (`domain.delivery.OutboundMessage`) as the Bot API call that sends it, and a reply's Bot
API call as an outbox row's content (`RecordedCall`) and back.

Shared by whoever sends one: the delivery worker (`bot.delivery`), the replies sent after commit
(`bot.replies`) and a handler that answers with a message built for the outbox.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from aiogram.client.default import Default
from aiogram.methods import SendDocument, SendMessage, SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, InputFile

from domain.delivery import ChatAddress, Deliverable, InlineButton, OutboundMessage, RecordedCall

PARSE_MODE = "HTML"

OutboxMethod = SendMessage | SendPhoto | SendDocument
RECORDABLE: dict[str, type[OutboxMethod]] = {
    method.__api_method__: method for method in (SendMessage, SendPhoto, SendDocument)
}
FILE_KEY = "__upload__"


def recorded_call(method: object) -> RecordedCall | None:
    """A send as an outbox row's content: the parameters the handler set (defaults such as the parse mode are
    the Bot's, applied again when it is sent). None for a method not worth a row, or that cannot be stored
    (an upload from disk or a URL)."""
    if not isinstance(method, SendMessage | SendPhoto | SendDocument):
        return None
    given = {name for name in method.model_fields_set if not isinstance(getattr(method, name), Default)}
    uploads: dict[str, Any] = {}
    for name in list(given):
        value = getattr(method, name)
        if isinstance(value, InputFile):
            if not isinstance(value, BufferedInputFile):
                return None
            uploads[name] = {FILE_KEY: {"filename": value.filename, "data": base64.b64encode(value.data).decode()}}
            given.discard(name)
    params = method.model_dump(mode="json", include=given, exclude_none=True) | uploads
    return RecordedCall(method.__api_method__, params)


def from_recorded(call: RecordedCall) -> OutboxMethod:
    """The Bot API call a reply's row holds (ValueError when it cannot be one)."""
    params: dict[str, Any] = {}
    for name, value in call.params.items():
        upload = value.get(FILE_KEY) if isinstance(value, dict) else None
        if isinstance(upload, dict):
            try:
                data = base64.b64decode(upload["data"], validate=True)
                value = BufferedInputFile(data, str(upload.get("filename") or "file"))
            except (KeyError, TypeError, binascii.Error) as exc:
                raise ValueError("an unreadable upload in a recorded call") from exc
        params[name] = value
    try:
        return RECORDABLE[call.method].model_validate(params)
    except (KeyError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise ValueError(f"a recorded {call.method} that is not a valid call") from exc


def to_method(chat: ChatAddress, message: Deliverable) -> OutboxMethod:
    if isinstance(message, RecordedCall):
        return from_recorded(message)
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
