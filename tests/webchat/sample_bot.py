"""A tiny bot for the web chat's tests: a few handlers that use every Bot API call the web chat supports."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import BaseMiddleware, Dispatcher, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
    Update,
)

DOCUMENT_BYTES = b"Meeting notes: Saturday 3 pm, tea house on Nanjing Road."


@dataclass
class Seen:
    """What reached the handlers: each update, with the `channel` the web chat fed it with."""

    updates: list[Update] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    callbacks: list[CallbackQuery] = field(default_factory=list)


class _Record(BaseMiddleware):
    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        self.seen.updates.append(event)
        self.seen.channels.append(data["channel"])
        return await handler(event, data)


def start_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Yes", callback_data="yes"),
                InlineKeyboardButton(text="Alert", callback_data="alert"),
            ],
            [InlineKeyboardButton(text="Website", url="https://example.org/")],
        ]
    )


def _router(seen: Seen) -> Router:
    router = Router(name="webchat-sample")

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Hello, <b>guest</b>! 你好，欢迎 &amp; welcome.", reply_markup=start_keyboard())

    @router.callback_query(F.data == "yes")
    async def said_yes(callback: CallbackQuery) -> None:
        seen.callbacks.append(callback)
        if isinstance(callback.message, InaccessibleMessage) or callback.message is None:
            await callback.answer("This button has expired")
            return
        await callback.answer("Noted")
        await callback.message.edit_text("You chose <i>yes</i>.")

    @router.callback_query(F.data == "alert")
    async def alert(callback: CallbackQuery) -> None:
        seen.callbacks.append(callback)
        await callback.answer("Are you sure?", show_alert=True)

    @router.message(Command("long"))
    async def too_long(message: Message) -> None:
        await message.answer("x" * 4097)

    @router.message(Command("boom"))
    async def boom(message: Message) -> None:
        raise RuntimeError(f"failed for {message.text}")

    @router.message(Command("doc"))
    async def document(message: Message) -> None:
        await message.answer_document(
            BufferedInputFile(DOCUMENT_BYTES, filename="约会 notes.txt"), caption="Your <b>notes</b>"
        )

    @router.message(Command("gone"))
    async def gone(message: Message) -> None:
        sent = await message.answer("This will disappear")
        await sent.delete()
        await message.answer("Deleted it")

    @router.message(Command("phone"))
    async def phone(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="Share my phone", request_contact=True)], [KeyboardButton(text="Later")]],
            resize_keyboard=True,
            one_time_keyboard=True,
            input_field_placeholder="Your phone",
        )
        await message.answer("May we have your phone number?", reply_markup=keyboard)

    @router.message(Command("wait"))
    async def wait(message: Message, gate: asyncio.Event) -> None:
        await gate.wait()
        await message.answer("Released")

    @router.message(F.contact)
    async def contact(message: Message) -> None:
        assert message.contact is not None
        phone = html.escape(message.contact.phone_number)
        await message.answer(f"Thanks, {phone}", reply_markup=ReplyKeyboardRemove())

    @router.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo
        await message.answer_photo(message.photo[-1].file_id, caption="Got your <b>photo</b>")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None and message.from_user is not None
        language = message.from_user.language_code
        await message.answer(f"You said: {html.escape(message.text)} ({language})")

    return router


def make_dispatcher(seen: Seen | None = None) -> Dispatcher:
    """A fresh Dispatcher with the sample handlers; `seen` records the updates that reached it."""
    record = seen or Seen()
    dispatcher = Dispatcher()
    dispatcher.update.outer_middleware(_Record(record))
    dispatcher.include_router(_router(record))
    return dispatcher
