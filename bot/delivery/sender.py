"""From a Bot API answer to the sent message's id, and from a Bot API error to a `SendFailure`."""

from __future__ import annotations

import asyncio
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
from aiogram.types import Message
from aiohttp import ClientError

from domain.retry import FailureKind, SendFailure


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
