"""The aiogram session of the web chat bot: Bot API calls become frames for the page instead of HTTP requests.

Every call is first checked against what Telegram would reject (`bot.api_limits`); then it is routed by
method. A method the web chat does not know raises `TelegramBadRequest` naming it, so a handler that needs
something new is noticed in the web chat instead of silently doing nothing.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramNotFound
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteMyCommands,
    DeleteWebhook,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendChatAction,
    SendDocument,
    SendMessage,
    SendPhoto,
    SetChatMenuButton,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import File, TelegramObject

from bot.api_limits import violations
from bot.api_results import build_result
from bot.webchat.files import unique_id
from bot.webchat.formatting import bad_request
from bot.webchat.hub import WebChatHub
from bot.webchat.identity import bot_user
from bot.webchat.outgoing import OutgoingMessages
from domain.clock import Clock

# Accepted and answered like Telegram, with nothing to show on the page.
_ACCEPTED_SILENTLY = (SendChatAction, SetMyCommands, DeleteMyCommands, GetMe, DeleteWebhook, SetChatMenuButton)


class WebChatSession(BaseSession):
    def __init__(self, hub: WebChatHub, clock: Clock) -> None:
        super().__init__()
        self.hub = hub
        self.clock = clock
        self._messages = OutgoingMessages(hub, clock)

    async def close(self) -> None:
        """Nothing to close: the session holds no network connection (the server owns the sockets)."""

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        refused = violations(cast(TelegramMethod[object], method))
        if refused:
            raise bad_request(method, "; ".join(refused))
        result = await self._route(bot, method)
        if isinstance(result, TelegramObject):
            # Mounted on the bot like a parsed Telegram answer, so `sent.delete()` and friends work.
            result = type(result).model_validate(result.model_dump(), context={"bot": bot})
        return cast(TelegramType, result)

    async def _route(self, bot: Bot, method: TelegramMethod[Any]) -> object:
        match method:
            case SendMessage():
                return await self._messages.send_message(bot, method)
            case SendPhoto():
                return await self._messages.send_photo(bot, method)
            case SendDocument():
                return await self._messages.send_document(bot, method)
            case EditMessageText() | EditMessageCaption() | EditMessageReplyMarkup():
                return await self._messages.edit(bot, method)
            case DeleteMessage():
                return await self._messages.delete(method)
            case AnswerCallbackQuery():
                return self._messages.answer_callback(method)
            case GetFile():
                return await self._get_file(method)
            case _ if isinstance(method, _ACCEPTED_SILENTLY):
                return build_result(method, message_id=0, bot_user=bot_user(bot.id), now=self.clock.now())
        raise bad_request(method, f"the web chat does not support {type(method).__name__}")

    async def _get_file(self, method: GetFile) -> File:
        stored = await self.hub.files.get(method.file_id)
        if stored is None:
            raise bad_request(method, "wrong file identifier/HTTP URL specified")
        return File(
            file_id=stored.token,
            file_unique_id=unique_id(stored.token),
            file_size=len(stored.data),
            file_path=f"webchat/{stored.token}",
        )

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        """`bot.download(file_id)` of a web chat file: the file path's last part is the file's token."""
        token = url.rstrip("/").rsplit("/", 1)[-1]
        stored = await self.hub.files.get(token)
        if stored is None:
            raise TelegramNotFound(method=GetFile(file_id=token), message="Not Found: no such web chat file")
        for start in range(0, len(stored.data), chunk_size):
            yield stored.data[start : start + chunk_size]
