"""A chat kept the way Telegram keeps it, for the tests that depend on what Telegram refuses.

`TelegramChat` is the recording session plus Telegram's memory of each message: what it shows (plain text and
entities, as Telegram stores HTML it was sent, and its buttons). With that memory it refuses what Telegram
refuses: an edit that changes nothing ("message is not modified"), a second answer to a button press, an
answer to a press Telegram no longer waits for ("query is too old"; the test marks those queries) and anything
sent to a person who blocked the bot. The first two are the bot's mistakes and fail the test; the others are
the world's doing: they are refused and counted in `refused`.

`TelegramClient` presses a button the way Telegram reports it: the callback query carries the message as it
shows now, with entities, not the HTML it was sent as.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, MessageEntity, Update

from bot.webchat.formatting import formatted
from domain.clock import Clock
from tests.botclient import RecordingSession
from tests.journey_walk import PacedClient

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"

_query_ids = itertools.count(1)


class TelegramChat(RecordingSession):
    """The recording session with Telegram's memory of each message and its refusals (see the module)."""

    def __init__(self, clock: Clock) -> None:
        super().__init__(clock)
        self.shown: dict[tuple[int, int], Message] = {}
        self.too_old: set[str] = set()  # queries whose answer Telegram refuses: pressed too long ago
        self.answer_attempts: Counter[str] = Counter()
        self.blocked: set[int] = set()  # chats whose person blocked the bot
        self.refused: list[TelegramMethod[Any]] = []  # refused for the world's reasons, not the bot's mistakes

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        if getattr(method, "chat_id", None) in self.blocked:
            self.refused.append(method)
            raise TelegramForbiddenError(method=method, message=BLOCKED)
        if isinstance(method, AnswerCallbackQuery):
            query = method.callback_query_id
            self.answer_attempts[query] += 1
            if query in self.too_old:
                self.refused.append(method)
                raise TelegramBadRequest(method=method, message=TOO_OLD)
            if self.answer_attempts[query] > 1:
                self.problems.append(f"callback query {query} answered again")
                raise TelegramBadRequest(method=method, message=TOO_OLD)
        elif isinstance(method, EditMessageText | EditMessageCaption | EditMessageReplyMarkup):
            before = self.shown.get((_chat(method), method.message_id or 0))
            if before is not None and self._edited(bot, before, method) == before:
                self.problems.append(f"{type(method).__name__} changes nothing")
                raise TelegramBadRequest(method=method, message=NOT_MODIFIED)
        result = await super().make_request(bot, method, timeout)
        self._remember(bot, method, result)
        return result

    def as_shown(self, chat_id: int, message_id: int) -> Message:
        """The message as a callback query carries it: what it shows now."""
        return self.shown[(chat_id, message_id)]

    def _remember(self, bot: Bot, method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, SendMessage | SendPhoto | SendDocument) and isinstance(result, Message):
            self.shown[(result.chat.id, result.message_id)] = self._sent(bot, method, result)
        elif isinstance(method, EditMessageText | EditMessageCaption | EditMessageReplyMarkup):
            key = (_chat(method), method.message_id or 0)
            if key in self.shown:
                self.shown[key] = self._edited(bot, self.shown[key], method)

    def _sent(self, bot: Bot, method: SendMessage | SendPhoto | SendDocument, result: Message) -> Message:
        if isinstance(method, SendMessage):
            text, entities = _plain(bot, method, method.text, method.parse_mode)
            return result.model_copy(update={"text": text, "entities": entities})
        caption, entities = _plain(bot, method, method.caption or "", method.parse_mode)
        return result.model_copy(update={"caption": caption, "caption_entities": entities})

    def _edited(
        self, bot: Bot, before: Message, method: EditMessageText | EditMessageCaption | EditMessageReplyMarkup
    ) -> Message:
        # An edit without buttons removes them, as on Telegram.
        markup = method.reply_markup if isinstance(method.reply_markup, InlineKeyboardMarkup) else None
        changes: dict[str, Any] = {"reply_markup": markup}
        if isinstance(method, EditMessageText):
            text, entities = _plain(bot, method, method.text or "", method.parse_mode)
            changes.update(text=text, entities=entities)
        elif isinstance(method, EditMessageCaption):
            caption, entities = _plain(bot, method, method.caption or "", method.parse_mode)
            changes.update(caption=caption, caption_entities=entities)
        return before.model_copy(update=changes)


def _chat(method: EditMessageText | EditMessageCaption | EditMessageReplyMarkup) -> int:
    return method.chat_id if isinstance(method.chat_id, int) else 0


def _plain(
    bot: Bot, method: TelegramMethod[Any], text: str, parse_mode: object
) -> tuple[str, list[MessageEntity] | None]:
    shown = formatted(bot, method, text, parse_mode, None)
    return shown.text, shown.entities or None


class TelegramClient(PacedClient):
    """A person on Telegram: a pressed button's query carries the message as Telegram shows it."""

    session: TelegramChat

    async def click(self, button_text: str, *, message_id: int | None = None) -> list[TelegramMethod[Any]]:
        shown, data = self._find_button(button_text, message_id)
        return await self.press(data, message=self.session.as_shown(self.chat.id, shown.message_id))

    async def press_late(self, button_text: str) -> list[TelegramMethod[Any]]:
        """Press a button whose query Telegram has given up on by the time the bot answers it (handled late:
        redelivered after a crash, or a backlog after downtime)."""
        shown, data = self._find_button(button_text, None)
        return await self.press(data, message=self.session.as_shown(self.chat.id, shown.message_id), late=True)

    async def press(
        self, callback_data: str, *, message: Message | None = None, late: bool = False
    ) -> list[TelegramMethod[Any]]:
        query = CallbackQuery(
            id=f"tq-{next(_query_ids)}",
            from_user=self.user,
            chat_instance="ci-1",
            message=message,
            data=callback_data,
        )
        if late:
            self.session.too_old.add(query.id)
        calls = await self._feed(Update(update_id=900_000_000 + next(_query_ids), callback_query=query))
        attempts = self.session.answer_attempts[query.id]
        assert attempts == 1, f"callback query answered {attempts} times"
        answers = [c for c in calls if isinstance(c, AnswerCallbackQuery) and c.callback_query_id == query.id]
        if answers and answers[0].text:
            self.view.toasts.append(answers[0].text)
        return calls
