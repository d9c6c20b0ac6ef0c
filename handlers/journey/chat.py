"""`ClientChat`: one update's view of a client's private chat: where to send, the conversation state, and the
client's account and record (through `services.profiles`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from aiogram import Bot
from aiogram.fsm.state import State
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from domain.delivery import ChatAddress, OutboundMessage
from domain.identity import VISITOR_LOCALE_KEY, Principal
from domain.profile import PreferencesData, ProfileData
from handlers.journey.chat_state import ChatState
from handlers.services.container import Services
from handlers.services.profiles import Profiles
from handlers.views.outbound import to_method


@dataclass
class ClientChat:
    """The chat of the update's person (`principal`): a visitor until they consent, then a client."""

    bot: Bot
    chat_id: int
    principal: Principal
    state: ChatState
    services: Services
    account_id: UUID | None  # set by consent when a visitor becomes a client

    # --- the account and its record ---------------------------------------------------------------------------
    def account(self) -> UUID:
        if self.account_id is None:
            raise LookupError("this conversation has no account yet")
        return self.account_id

    @property
    def profiles(self) -> Profiles:
        return self.services.profiles

    def today(self) -> date:
        return self.profiles.today()

    async def profile(self) -> ProfileData | None:
        return None if self.account_id is None else await self.profiles.profile(self.account_id)

    async def preferences(self) -> PreferencesData:
        return PreferencesData() if self.account_id is None else await self.profiles.preferences(self.account_id)

    async def load(self) -> tuple[ProfileData | None, PreferencesData]:
        return await self.profile(), await self.preferences()

    async def remember_language(self, code: str) -> None:
        """The account's language; a visitor's stays in the conversation state (nothing is stored before
        consent) and becomes the account's language at consent."""
        if self.account_id is not None:
            await self.profiles.set_locale(self.account_id, code)
        else:
            await self.set_data(await self.data() | {VISITOR_LOCALE_KEY: code})

    # --- sending ----------------------------------------------------------------------------------------------
    async def send(self, text: str, markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None = None) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def send_outbound(self, message: OutboundMessage) -> None:
        """Send, in this chat and now, a message built as for the outbox (text or a captioned photo, buttons)."""
        await self.bot(to_method(ChatAddress(self.principal.channel, self.chat_id), message))

    async def send_keyboard_removal(self, text: str) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=ReplyKeyboardRemove())

    async def send_photo(self, file_id: str, caption: str) -> None:
        await self.bot.send_photo(self.chat_id, photo=file_id, caption=caption)

    async def send_document(self, document: BufferedInputFile, caption: str) -> None:
        await self.bot.send_document(self.chat_id, document, caption=caption)

    async def replace_buttons(self, message: Message, markup: InlineKeyboardMarkup) -> None:
        await self.bot.edit_message_reply_markup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
        )

    # --- the conversation state -------------------------------------------------------------------------------
    async def get_state(self) -> str | None:
        return await self.state.get_state()

    async def set_state(self, value: State | None) -> None:
        await self.state.set_state(value)

    async def data(self) -> dict[str, Any]:
        """A copy of the conversation data (change it with `set_data`)."""
        return await self.state.data()

    async def set_data(self, data: dict[str, Any]) -> None:
        await self.state.set_data(data)

    async def clear_state(self) -> None:
        await self.state.clear()
