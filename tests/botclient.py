"""Drive the real Dispatcher like a person would, against a Bot API that records every call.

`RecordingSession` answers each request in call order with what Telegram would return, refuses any method
the test did not allow and anything Telegram itself would reject. `BotClient` turns "send /start",
"click English" into updates for `dp.feed_update` and checks, after each one, that every callback query was
answered exactly once and nothing was refused.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerPreCheckoutQuery,
    DeleteMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendInvoice,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Sticker,
    Update,
    User,
)

from bot import replies
from bot.api_limits import violations
from bot.api_results import build_result
from bot.webchat.formatting import formatted
from domain.clock import Clock

TEST_TOKEN = "4242:TESTtokenTESTtokenTESTtokenTESTtoken00"
CONVERSATION_METHODS = frozenset(
    {
        "SendMessage",
        "EditMessageText",
        "EditMessageReplyMarkup",
        "EditMessageCaption",
        "AnswerCallbackQuery",
        "DeleteMessage",
        "SendPhoto",
        "SendDocument",
        "SendChatAction",
    }
)


class UnexpectedRequest(AssertionError):
    pass


class RecordingSession(BaseSession):
    """A Bot API that never leaves the process."""

    def __init__(self, clock: Clock, allowed: Iterable[str] = CONVERSATION_METHODS) -> None:
        super().__init__()
        self.clock = clock
        self.allowed = set(allowed)
        self.requests: list[TelegramMethod[Any]] = []
        self.results: list[Any] = []
        self.problems: list[str] = []
        self._message_ids = itertools.count(1000)

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        name = type(method).__name__
        if name not in self.allowed:
            self.problems.append(f"unexpected request {name}")
            raise UnexpectedRequest(f"unexpected request {name}")
        refused = violations(method) + _unparseable(bot, method) + _payment_refusals(method)
        if refused:
            self.problems.extend(refused)
            raise TelegramBadRequest(method=method, message="; ".join(refused))
        bot_user = User(id=bot.id, is_bot=True, first_name="Yuelao", username="yuelao_test_bot")
        result = build_result(method, message_id=next(self._message_ids), bot_user=bot_user, now=self.clock.now())
        self.requests.append(method)
        self.results.append(result)
        return result

    async def close(self) -> None:
        return None

    def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise UnexpectedRequest("the conversation tried to download a file")


@dataclass
class ShownMessage:
    """A message as the user sees it now (after edits)."""

    message_id: int
    text: str
    inline: InlineKeyboardMarkup | None = None
    photo: str | None = None
    document: str | None = None


@dataclass
class ChatView:
    messages: dict[int, ShownMessage] = field(default_factory=dict)
    reply_keyboard: ReplyKeyboardMarkup | None = None
    toasts: list[str] = field(default_factory=list)


_update_ids = itertools.count(1)


class BotClient:
    """One user talking to the bot."""

    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        session: RecordingSession,
        *,
        user_id: int = 777_000_111,
        language_code: str | None = "en",
        first_name: str = "Test",
        channel: str = "telegram",
        log_capture: ErrorLogCapture | None = None,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.session = session
        self.user = User(id=user_id, is_bot=False, first_name=first_name, language_code=language_code)
        self.chat = Chat(id=user_id, type="private")
        self.channel = channel
        self.view = ChatView()
        self._message_ids = itertools.count(1)
        self._log_capture = log_capture

    # --- what a person does -------------------------------------------------------------------------
    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        return await self._feed_message(text=text)

    async def send_sticker(self) -> list[TelegramMethod[Any]]:
        sticker = Sticker(
            file_id="sticker-1",
            file_unique_id="s1",
            type="regular",
            width=512,
            height=512,
            is_animated=False,
            is_video=False,
        )
        return await self._feed_message(sticker=sticker)

    async def send_photo(self, file_id: str = "user-photo-1") -> list[TelegramMethod[Any]]:
        photo = [PhotoSize(file_id=file_id, file_unique_id=file_id, width=800, height=800)]
        return await self._feed_message(photo=photo)

    async def share_contact(self, phone_number: str) -> list[TelegramMethod[Any]]:
        contact = Contact(phone_number=phone_number, first_name=self.user.first_name, user_id=self.user.id)
        return await self._feed_message(contact=contact)

    async def click(self, button_text: str, *, message_id: int | None = None) -> list[TelegramMethod[Any]]:
        """Press an inline button on the newest message that has one with this text (or on `message_id`)."""
        shown, data = self._find_button(button_text, message_id)
        message = Message(
            message_id=shown.message_id,
            date=self.session.clock.now(),
            chat=self.chat,
            from_user=User(id=self.bot.id, is_bot=True, first_name="Yuelao"),
            text=shown.text,
            reply_markup=shown.inline,
        )
        return await self.press(data, message=message)

    async def press(self, callback_data: str, *, message: Message | None = None) -> list[TelegramMethod[Any]]:
        """Send a callback query with arbitrary data (a forged or stale button)."""
        query = CallbackQuery(
            id=f"cq-{next(_update_ids)}",
            from_user=self.user,
            chat_instance="ci-1",
            message=message,
            data=callback_data,
        )
        calls = await self._feed(Update(update_id=next(_update_ids), callback_query=query))
        answers = [c for c in calls if isinstance(c, AnswerCallbackQuery) and c.callback_query_id == query.id]
        assert len(answers) == 1, f"callback query answered {len(answers)} times"
        if answers[0].text:
            self.view.toasts.append(answers[0].text)
        return calls

    # --- what a person sees ---------------------------------------------------------------------------
    def last_message(self) -> ShownMessage:
        assert self.view.messages, "the bot has said nothing"
        return self.view.messages[max(self.view.messages)]

    def last_text(self) -> str:
        return self.last_message().text

    def last_buttons(self) -> list[str]:
        markup = self.last_message().inline
        return [b.text for row in markup.inline_keyboard for b in row] if markup else []

    def reply_buttons(self) -> list[str]:
        markup = self.view.reply_keyboard
        return [b.text for row in markup.keyboard for b in row] if markup else []

    def texts(self) -> list[str]:
        return [m.text for _, m in sorted(self.view.messages.items())]

    # --- plumbing -------------------------------------------------------------------------------------
    async def _feed_message(self, **content: Any) -> list[TelegramMethod[Any]]:
        message = Message(
            message_id=next(self._message_ids),
            date=self.session.clock.now(),
            chat=self.chat,
            from_user=self.user,
            **content,
        )
        return await self._feed(Update(update_id=next(_update_ids), message=message))

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        await self.dp.feed_update(self.bot, update, channel=self.channel)
        assert not self.session.problems, f"the bot made requests Telegram would refuse: {self.session.problems}"
        if self._log_capture is not None:
            self._log_capture.assert_clean()
        calls = self.session.requests[before:]
        for call, result in zip(calls, self.session.results[before:], strict=True):
            self._apply(call, result)
        return calls

    def _apply(self, call: TelegramMethod[Any], result: Any) -> None:
        view = self.view
        if getattr(call, "chat_id", self.chat.id) != self.chat.id:
            return
        message_id = result.message_id if isinstance(result, Message) else 0
        if isinstance(call, SendMessage):
            view.messages[message_id] = ShownMessage(message_id, call.text, _inline(call.reply_markup))
        elif isinstance(call, SendPhoto):
            view.messages[message_id] = ShownMessage(
                message_id, call.caption or "", _inline(call.reply_markup), photo=str(call.photo)
            )
        elif isinstance(call, SendDocument):
            view.messages[message_id] = ShownMessage(
                message_id, call.caption or "", _inline(call.reply_markup), document=str(call.document)
            )
        elif isinstance(call, EditMessageText) and call.message_id in view.messages:
            shown = view.messages[call.message_id]
            shown.text, shown.inline = call.text or "", _inline(call.reply_markup)
        elif isinstance(call, EditMessageCaption) and call.message_id in view.messages:
            shown = view.messages[call.message_id]
            shown.text, shown.inline = call.caption or "", _inline(call.reply_markup)
        elif isinstance(call, EditMessageReplyMarkup) and call.message_id in view.messages:
            view.messages[call.message_id].inline = _inline(call.reply_markup)
        elif isinstance(call, DeleteMessage):
            view.messages.pop(call.message_id, None)
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, ReplyKeyboardMarkup):
            view.reply_keyboard = markup
        elif isinstance(markup, ReplyKeyboardRemove):
            view.reply_keyboard = None

    def _find_button(self, text: str, message_id: int | None) -> tuple[ShownMessage, str]:
        candidates = (
            [self.view.messages[message_id]]
            if message_id is not None
            else [m for _, m in sorted(self.view.messages.items(), reverse=True)]
        )
        for shown in candidates:
            for row in shown.inline.inline_keyboard if shown.inline else []:
                for button in row:
                    if button.text == text and button.callback_data is not None:
                        return shown, button.callback_data
        raise AssertionError(f"no button {text!r}; the last buttons are {self.last_buttons()}")


def _unparseable(bot: Bot, method: TelegramMethod[Any]) -> list[str]:
    """Text Telegram could not parse as HTML (unescaped user input, an unclosed tag) is refused like Telegram."""
    for text_field, entities_field in (("text", "entities"), ("caption", "caption_entities")):
        text = getattr(method, text_field, None)
        if isinstance(text, str) and not isinstance(method, AnswerCallbackQuery):
            try:
                formatted(bot, method, text, getattr(method, "parse_mode", None), getattr(method, entities_field, None))
            except TelegramBadRequest as exc:
                return [f"{type(method).__name__}: {exc.message}"]
    return []


def _payment_refusals(method: TelegramMethod[Any]) -> list[str]:
    """What Telegram refuses in an invoice (sendInvoice: title 1-32 characters, description 1-255, payload 1-128
    bytes, positive prices; Telegram Stars (XTR): exactly one price and no provider token; any other currency:
    a provider token) and in an answer to a pre-checkout query (a refusal needs its error message)."""
    found: list[str] = []
    if isinstance(method, SendInvoice):
        if not 1 <= len(method.title) <= 32:
            found.append(f"SendInvoice: title of {len(method.title)} characters (1-32)")
        if not 1 <= len(method.description) <= 255:
            found.append(f"SendInvoice: description of {len(method.description)} characters (1-255)")
        if not 1 <= len(method.payload.encode()) <= 128:
            found.append(f"SendInvoice: payload of {len(method.payload.encode())} bytes (1-128)")
        if not method.prices or any(price.amount <= 0 for price in method.prices):
            found.append("SendInvoice: prices must be positive")
        if method.currency == "XTR" and (len(method.prices) != 1 or method.provider_token):
            found.append("SendInvoice: Telegram Stars take exactly one price and an empty provider token")
        if method.currency != "XTR" and not method.provider_token:
            found.append(f"SendInvoice: {method.currency} needs a provider token")
    if isinstance(method, AnswerPreCheckoutQuery) and not method.ok and not method.error_message:
        found.append("AnswerPreCheckoutQuery: a refusal needs an error_message")
    return found


def _inline(markup: object) -> InlineKeyboardMarkup | None:
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def make_bot(session: RecordingSession) -> Bot:
    """A Bot on the recording session, with the production reply path (calls kept until the commit)."""
    bot = Bot(token=TEST_TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    replies.install(bot)
    return bot


class ErrorLogCapture(logging.Handler):
    """Fails the conversation when the bot logs an error it did not expect."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.expected = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def assert_clean(self) -> None:
        unexpected = self.records[self.expected :]
        assert not unexpected, f"the bot logged errors: {[r.getMessage() for r in unexpected]}"
