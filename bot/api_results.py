"""The result the Bot API would return for a method, built locally.

The web chat has no Telegram server behind it, and the tests' recording session must answer like one; both
build their answers here so a handler sees the same objects in either case.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from aiogram.methods import (
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import Chat, Document, InlineKeyboardMarkup, InputFile, Message, PhotoSize, User

_file_counter = itertools.count(1)


def _file_id(value: object, prefix: str) -> str:
    if isinstance(value, str):
        return value
    return f"{prefix}-{next(_file_counter)}"


def _file_name(value: object) -> str | None:
    if isinstance(value, InputFile):
        return value.filename
    return None


def build_message(method: TelegramMethod[Any], *, message_id: int, bot_user: User, now: datetime) -> Message:
    """A Message as Telegram would echo it back for a send or an edit."""
    chat_id = getattr(method, "chat_id", None)
    chat = Chat(id=chat_id if isinstance(chat_id, int) else 0, type="private")
    fields: dict[str, Any] = {
        "message_id": message_id,
        "date": now,
        "chat": chat,
        "from_user": bot_user,
    }
    markup = getattr(method, "reply_markup", None)
    if isinstance(markup, InlineKeyboardMarkup):
        fields["reply_markup"] = markup
    if isinstance(method, SendMessage | EditMessageText):
        fields["text"] = method.text
    if isinstance(method, SendPhoto):
        fields["caption"] = method.caption
        fid = _file_id(method.photo, "photo")
        fields["photo"] = [PhotoSize(file_id=fid, file_unique_id=fid, width=800, height=800)]
    if isinstance(method, SendDocument):
        fields["caption"] = method.caption
        fid = _file_id(method.document, "document")
        fields["document"] = Document(file_id=fid, file_unique_id=fid, file_name=_file_name(method.document))
    if isinstance(method, EditMessageCaption):
        fields["caption"] = method.caption
    if isinstance(method, EditMessageText | EditMessageCaption | EditMessageReplyMarkup):
        fields["edit_date"] = int(now.timestamp())
        if method.message_id is not None:
            fields["message_id"] = method.message_id
    return Message(**fields)


def build_result(method: TelegramMethod[Any], *, message_id: int, bot_user: User, now: datetime) -> Any:
    """The value `make_request` should return for `method`."""
    returning = method.__returning__
    if isinstance(method, GetMe):
        return bot_user
    if returning is bool:
        return True
    if returning is Message or (isinstance(method, EditMessageText | EditMessageCaption | EditMessageReplyMarkup)):
        return build_message(method, message_id=message_id, bot_user=bot_user, now=now)
    raise LookupError(f"no local result for {type(method).__name__}")
