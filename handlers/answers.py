"""Answering a button press in place: edit the pressed message, or write anew when it is out of reach.

Telegram refuses an edit that changes nothing ("message is not modified"), so an edit is made only when the
new text or buttons differ from what the pressed message shows. The pressed message comes as Telegram keeps
it (plain text and entities; `html_text` writes it back as HTML), so the two are compared as what a person
sees: the same characters with the same formatting, however the HTML spells it (`&quot;` or `"`, `<strong>`
or `<b>`), and the same buttons.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

MESSAGE_LIMIT = 4096
# Tags Telegram reads as the same formatting (see the Bot API's "HTML style").
_SAME_TAG = {"strong": "b", "em": "i", "ins": "u", "strike": "s", "del": "s"}
_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>|([^<]+)")
_ATTRIBUTE = re.compile(r"""([a-zA-Z][\w-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
Span = tuple[str, tuple[tuple[str, str], ...], int, int]


def rendered(html: str) -> tuple[str, list[Span]]:
    """What a piece of Telegram HTML shows: its characters (trimmed at both ends, as Telegram keeps a message)
    and its formatting, as spans over them (`<b>x</b>` and `<strong>x</strong>` are the same span)."""
    text: list[str] = []
    length = 0
    open_tags: list[tuple[str, tuple[tuple[str, str], ...], int]] = []
    spans: list[Span] = []
    for match in _TOKEN.finditer(html):
        closing, tag, attributes, data = match.groups()
        if data is not None:
            chunk = unescape(data)
            text.append(chunk)
            length += len(chunk)
            continue
        name = _SAME_TAG.get(tag.lower(), tag.lower())
        kept = _attributes(attributes)
        if name == "span":  # <span class="tg-spoiler"> is <tg-spoiler>
            name, kept = "tg-spoiler", ()
        if not closing:
            open_tags.append((name, kept, length))
            continue
        for index in range(len(open_tags) - 1, -1, -1):
            if open_tags[index][0] == name:
                _, kept, start = open_tags.pop(index)
                if length > start:  # an empty element formats nothing
                    spans.append((name, kept, start, length))
                break
    joined = "".join(text)
    lead = len(joined) - len(joined.lstrip())
    shown = joined.strip()
    trimmed = sorted(
        (name, kept, max(start - lead, 0), min(end - lead, len(shown))) for name, kept, start, end in spans
    )
    return shown, [span for span in trimmed if span[3] > span[2]]


def _attributes(source: str) -> tuple[tuple[str, str], ...]:
    """A tag's attributes, however quoted, in one order."""
    return tuple(sorted((key.lower(), unescape(value.strip("\"'"))) for key, value in _ATTRIBUTE.findall(source)))


def _buttons(markup: InlineKeyboardMarkup | None) -> list[Any]:
    # Compared by value: an object that came with an update carries its Bot, so `==` would never hold.
    return [] if markup is None else markup.model_dump(exclude_none=True)["inline_keyboard"]


def unchanged(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """True when the message already shows this text and these buttons (Telegram rejects such an edit)."""
    return rendered(message.html_text) == rendered(text) and _buttons(message.reply_markup) == _buttons(markup)


async def show_in_place(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message's text and buttons; a new message when the pressed one is out of reach."""
    if isinstance(callback.message, Message):
        if unchanged(callback.message, text, markup):
            return
        try:
            await callback.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as exc:  # only when the edit is sent at once (replies are sent after commit)
            if "message is not modified" not in exc.message:
                raise
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def settle(callback: CallbackQuery, answer: str) -> None:
    """Write the answer under the pressed question and take its buttons away, so that scrolling back shows
    what was chosen (the question as it reads, then `answer`). Nothing when the message is out of reach."""
    message = callback.message
    if not isinstance(message, Message) or message.text is None:
        return
    shown = message.html_text
    text = f"{shown}\n\n{answer}" if shown and len(shown) + len(answer) + 2 <= MESSAGE_LIMIT else answer
    if not unchanged(message, text, None):
        await message.edit_text(text, reply_markup=None)


async def say(callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the presser's chat (the pressed message may be too old to answer)."""
    if isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=markup)
    elif callback.from_user is not None and callback.bot is not None:
        await callback.bot.send_message(callback.from_user.id, text, reply_markup=markup)
