"""What Telegram would reject: checked before a request leaves, by the web chat and by the test session."""

from __future__ import annotations

from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardMarkup

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_ANSWER_TEXT = 200


def violations(method: TelegramMethod[object]) -> list[str]:
    """Return the reasons Telegram would refuse this request (empty when it would accept it)."""
    found: list[str] = []
    name = type(method).__name__
    text = getattr(method, "text", None)
    if isinstance(text, str):
        limit = MAX_ANSWER_TEXT if name == "AnswerCallbackQuery" else MAX_TEXT
        if len(text) > limit:
            found.append(f"{name}: text of {len(text)} characters exceeds {limit}")
        if name in ("SendMessage", "EditMessageText") and not text.strip():
            found.append(f"{name}: text is empty")
    caption = getattr(method, "caption", None)
    if isinstance(caption, str) and len(caption) > MAX_CAPTION:
        found.append(f"{name}: caption of {len(caption)} characters exceeds {MAX_CAPTION}")
    markup = getattr(method, "reply_markup", None)
    if isinstance(markup, InlineKeyboardMarkup):
        for row in markup.inline_keyboard:
            for button in row:
                data = button.callback_data
                if data is not None and len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
                    found.append(f"{name}: callback_data {data!r} exceeds {MAX_CALLBACK_DATA_BYTES} bytes")
                if not button.text.strip():
                    found.append(f"{name}: a button has no text")
    return found
