"""From an outbox message to a Bot API call, and from a Bot API error to a `SendFailure`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import Response, SendDocument, SendMessage, SendPhoto
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiohttp import ClientError

from domain.delivery import ChatAddress, InlineButton, OutboundMessage
from domain.retry import FailureKind, SendFailure

PARSE_MODE = "HTML"

OutboxMethod = SendMessage | SendPhoto | SendDocument

# aiogram checks every answer with `Response[<result type>]`; pydantic caches parametrized models only weakly,
# so without a reference kept somewhere the model is rebuilt (about 10 ms of CPU) for most calls.
RESPONSE_MODELS = (Response[Message], Response[bool])


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


def sent_message_id(result: Any) -> int | None:
    return result.message_id if isinstance(result, Message) else None


def classify(error: BaseException) -> SendFailure:
    """What a failed send means for the retry policy. Reasons never carry the chat id."""
    if isinstance(error, TelegramRetryAfter):
        return SendFailure(FailureKind.RATE_LIMITED, f"429 flood control: retry after {error.retry_after} s",
                           retry_after=float(error.retry_after))
    if isinstance(error, TelegramForbiddenError):
        return SendFailure(FailureKind.BLOCKED, f"403 {error.message}")
    if isinstance(error, TelegramMigrateToChat):
        return SendFailure(FailureKind.REJECTED, "400 the group became a supergroup with a new chat id")
    if isinstance(error, TelegramEntityTooLarge):
        return SendFailure(FailureKind.REJECTED, f"413 {error.message}")
    if isinstance(error, TelegramServerError | TelegramNetworkError):
        return SendFailure(FailureKind.TRANSIENT, f"{type(error).__name__}: {error.message}")
    if isinstance(
        error, TelegramBadRequest | TelegramNotFound | TelegramConflictError | TelegramUnauthorizedError
    ):
        return SendFailure(FailureKind.REJECTED, f"{type(error).__name__}: {error.message}")
    if isinstance(error, TelegramAPIError):  # an unexpected status code: treat it like a server error
        return SendFailure(FailureKind.TRANSIENT, f"{type(error).__name__}: {error.message}")
    if isinstance(error, ClientDecodeError | ClientError | OSError | asyncio.TimeoutError):
        return SendFailure(FailureKind.TRANSIENT, type(error).__name__)
    return SendFailure(FailureKind.REJECTED, f"internal error: {type(error).__name__}")
