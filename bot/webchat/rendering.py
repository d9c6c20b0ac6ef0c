"""Messages and keyboards as the page receives them (`message` and `edit` frames, see `protocol`)."""

from __future__ import annotations

from typing import Literal

from aiogram.types import (
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.webchat.files import is_token
from bot.webchat.protocol import Frame
from bot.webchat.telegram_html import is_safe_link, to_safe_html

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply | None


def file_link(file_id: str) -> tuple[str, bool] | None:
    """Where the page gets a file: our own store (private, fetched with the browser id) or a public URL."""
    if is_token(file_id):
        return f"files/{file_id}", True
    if file_id.lower().startswith(("http://", "https://")) and is_safe_link(file_id):
        return file_id, False
    return None


def message_frame(message: Message, *, kind: Literal["message", "edit"] = "message", markup: Markup = None) -> Frame:
    """The frame for a message; `markup` is the reply keyboard the send carried (not kept in a Message)."""
    text, entities = (
        (message.text, message.entities) if message.text is not None else (message.caption, message.caption_entities)
    )
    sender = "bot" if message.from_user is not None and message.from_user.is_bot else "user"
    return {
        "type": kind,
        "message_id": message.message_id,
        "from": sender,
        "date": int(message.date.timestamp()),
        "edited": message.edit_date is not None,
        "html": to_safe_html(text or "", entities),
        "photo": _photo(message),
        "document": _document(message),
        "contact": {"phone_number": message.contact.phone_number} if message.contact else None,
        "keyboard": keyboard_frame(message.reply_markup if markup is None else markup),
    }


def _photo(message: Message) -> Frame | None:
    if not message.photo:
        return None
    largest = max(message.photo, key=lambda size: size.width * size.height)
    link = file_link(largest.file_id)
    if link is None:
        return None
    url, private = link
    return {"url": url, "width": largest.width, "height": largest.height, "private": private}


def _document(message: Message) -> Frame | None:
    if message.document is None:
        return None
    link = file_link(message.document.file_id)
    if link is None:
        return None
    url, private = link
    return {"url": url, "name": message.document.file_name or "document", "private": private}


def keyboard_frame(markup: Markup) -> Frame | None:
    if isinstance(markup, InlineKeyboardMarkup):
        return {"kind": "inline", "rows": [[_inline_button(b) for b in row] for row in markup.inline_keyboard]}
    if isinstance(markup, ReplyKeyboardMarkup):
        return {
            "kind": "reply",
            "rows": [[_reply_button(b) for b in row] for row in markup.keyboard],
            "placeholder": markup.input_field_placeholder,
            "one_time": bool(markup.one_time_keyboard),
        }
    if isinstance(markup, ReplyKeyboardRemove):
        return {"kind": "remove"}
    return None


def _inline_button(button: InlineKeyboardButton) -> Frame:
    if button.callback_data is not None:
        return {"text": button.text, "action": "callback", "data": button.callback_data}
    if button.url is not None and is_safe_link(button.url):
        return {"text": button.text, "action": "url", "url": button.url}
    if button.copy_text is not None:
        return {"text": button.text, "action": "copy", "copy_text": button.copy_text.text}
    return {"text": button.text, "action": "none"}


def _reply_button(button: KeyboardButton) -> Frame:
    special = (
        button.request_users,
        button.request_chat,
        button.request_managed_bot,
        button.request_location,
        button.request_poll,
        button.web_app,
    )
    return {"text": button.text, "request_contact": bool(button.request_contact), "enabled": not any(special)}
