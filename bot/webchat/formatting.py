"""A Bot API method's text, caption and parse mode, resolved the way Telegram would read them."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.types import MessageEntity

from bot.webchat.telegram_html import FormattedText, HtmlParseError, parse_html


def bad_request(method: TelegramMethod[Any], description: str) -> TelegramBadRequest:
    """The exception aiogram raises for Telegram's 400 answers, with Telegram's wording."""
    return TelegramBadRequest(method=method, message=f"Bad Request: {description}")


def resolve_default(bot: Bot, value: object) -> object:
    """A method field left to the bot's defaults (`DefaultBotProperties`) gets its default value."""
    if isinstance(value, Default):
        return bot.default[value.name]
    return value


def formatted(
    bot: Bot,
    method: TelegramMethod[Any],
    text: str,
    parse_mode: object,
    entities: list[MessageEntity] | None,
) -> FormattedText:
    """Plain text and entities, as Telegram stores a message; what it would refuse raises like it."""
    if entities:
        return FormattedText(text, list(entities))
    mode = resolve_default(bot, parse_mode)
    if mode is None:
        return FormattedText(text, [])
    if not isinstance(mode, str) or mode.upper() != "HTML":
        raise bad_request(method, f"the web chat renders parse_mode HTML or none, not {mode!r}")
    try:
        return parse_html(text)
    except HtmlParseError as exc:
        raise bad_request(method, f"can't parse entities: {exc}") from None
