"""A Bot API call's result as a short label: `ok`, the HTTP status Telegram answered, or what failed on the way."""

from __future__ import annotations

import asyncio

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
from aiohttp import ClientError

# Checked in order: the more specific classes first (TelegramMigrateToChat is a bad request as well).
_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (TelegramRetryAfter, "429"),
    (TelegramMigrateToChat, "400"),
    (TelegramBadRequest, "400"),
    (TelegramUnauthorizedError, "401"),
    (TelegramForbiddenError, "403"),
    (TelegramNotFound, "404"),
    (TelegramConflictError, "409"),
    (TelegramEntityTooLarge, "413"),
    (TelegramServerError, "5xx"),
    (TelegramNetworkError, "network"),
    (ClientDecodeError, "decode"),
    (TelegramAPIError, "other"),
    (asyncio.TimeoutError, "timeout"),
    (ClientError, "network"),
    (OSError, "network"),
)


def api_result(error: BaseException | None) -> str:
    """`ok` for a successful call; else a code from a fixed, small set (never a text that could name a chat)."""
    if error is None:
        return "ok"
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return "internal"
