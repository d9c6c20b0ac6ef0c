"""Where a web chat's history outlives the process: the database, sealed under the account's data key.

The web chat is a real channel (clients who cannot reach Telegram use it), and unlike Telegram it has no app
keeping the conversation on the client's phone: the server's copy is the only one. So every change of a chat
that belongs to an account (a message added, edited or deleted, the reply keyboard) is written through to
`webchat_chats`/`webchat_messages` before the page is shown it, and a chat used for the first time after a
start is read back from there: a reload after a restart shows the conversation, its buttons still work, and
message ids go on from where they were.

What is stored follows the account (`storage.repositories.webchat`): a visitor who has not agreed to the
privacy notice has no account, and their messages stay in this process only; the moment an account exists,
the chat's messages so far are stored with it. When the account is deleted (crypto-shredding deletes the rows
with it), the next change or the next page load notices that the account is gone and the process forgets its
copy too.

`keep`, the number of newest messages kept per chat, is the hub's `history_limit` (see `bot.webchat.hub`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from aiogram.types import Message, ReplyKeyboardMarkup
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.webchat.memory import ChatMemory
from domain.identity import Channel
from storage.database import Database
from storage.errors import StorageError
from storage.repositories.webchat import JsonObject, WebChatMessage
from storage.unit_of_work import UnitOfWork

log = logging.getLogger("yuelao.webchat")


@dataclass(frozen=True)
class Change:
    """What just happened to a chat (already applied to its memory); an empty change only checks that the
    stored copy and the memory agree (whose account, an account deleted meanwhile)."""

    message: Message | None = None  # a message added or edited
    new: bool = False  # `message` was added (not edited)
    removed: int | None = None  # the id of a deleted message
    reply_keyboard: bool = False  # the reply keyboard changed (its new value is in the memory)

    @property
    def empty(self) -> bool:
        return self.message is None and self.removed is None and not self.reply_keyboard


class HistoryStore(Protocol):
    async def restore(self, chat_id: int, memory: ChatMemory) -> None:
        """Fill a fresh memory with the chat's stored history, if there is one."""

    async def save(self, chat_id: int, memory: ChatMemory, change: Change) -> None:
        """Write a change of the chat through to the store (called under the memory's lock)."""


class ProcessOnly:
    """No store: histories live as long as the process (a web chat without a database, e.g. in tests)."""

    async def restore(self, chat_id: int, memory: ChatMemory) -> None:
        """Nothing is stored, so nothing comes back."""

    async def save(self, chat_id: int, memory: ChatMemory, change: Change) -> None:
        """Nothing is stored."""


class DatabaseHistory:
    """Histories of web chats that belong to accounts, in the database (see the module)."""

    def __init__(self, database: Database, *, keep: int) -> None:
        self._database = database
        self._keep = keep

    async def restore(self, chat_id: int, memory: ChatMemory) -> None:
        """Read the stored history; a failure propagates (the chat is tried again on its next use), since
        going on with an empty memory would show the client an empty chat."""
        async with self._database.unit_of_work(read_only=True) as uow:
            owner = await _owner(uow, chat_id)
            stored = None if owner is None else await uow.webchat.load(owner)
        if owner is None:
            return
        if stored is None:
            memory.owner = owner
            return
        memory.restore(owner, stored.last_message_id, _messages(stored.messages))
        memory.reply_keyboard = _reply_keyboard(stored.reply_keyboard)

    async def save(self, chat_id: int, memory: ChatMemory, change: Change) -> None:
        """Write the change through; a failure is logged and the chat goes on (the page was shown the
        message already, and refusing the Bot API call would only make the sender send it again).

        The chat's account is looked up every time: that is how a deleted account is noticed. When there is
        nothing to write (a visitor's chat, a check), the lookup runs in a read-only transaction, which on
        SQLite does not take the write lock."""
        try:
            if memory.owner is None or change.empty:
                async with self._database.unit_of_work(read_only=True) as uow:
                    owner = await _owner(uow, chat_id)
                _follow(memory, owner, change)
                if owner is None or owner == memory.owner:
                    return
            async with self._database.unit_of_work() as uow:
                owner = await _owner(uow, chat_id)
                _follow(memory, owner, change)
                if owner is None:
                    return
                if memory.owner is None:
                    await self._write_all(uow, owner, memory)
                else:
                    await self._write(uow, owner, memory, change)
            memory.owner = owner
        except (SQLAlchemyError, OSError, StorageError) as exc:
            log.warning("webchat: a chat's history was not saved (%s)", type(exc).__name__)

    async def _write_all(self, uow: UnitOfWork, owner: UUID, memory: ChatMemory) -> None:
        """The chat just got its account: store everything the memory holds."""
        messages = [_stored(message) for message in memory.messages()]
        await uow.webchat.save_messages(owner, messages, last_message_id=memory.last_message_id, keep=self._keep)
        await uow.webchat.save_reply_keyboard(owner, _keyboard_json(memory.reply_keyboard))

    async def _write(self, uow: UnitOfWork, owner: UUID, memory: ChatMemory, change: Change) -> None:
        if change.message is not None:
            await uow.webchat.save_messages(
                owner, [_stored(change.message)], last_message_id=memory.last_message_id, keep=self._keep
            )
        if change.removed is not None:
            await uow.webchat.delete_message(owner, change.removed)
        if change.reply_keyboard:
            await uow.webchat.save_reply_keyboard(owner, _keyboard_json(memory.reply_keyboard))


def _follow(memory: ChatMemory, owner: UUID | None, change: Change) -> None:
    """The account the memory mirrored is gone (deleted): forget its messages here too, all but a message this
    change adds."""
    if memory.owner is not None and owner != memory.owner:
        memory.erase(keep=change.message.message_id if change.message is not None and change.new else None)


async def _owner(uow: UnitOfWork, chat_id: int) -> UUID | None:
    """The account of a web chat (its chat id is the web user's id), if it has a live one."""
    account = await uow.accounts.find_by_external(Channel.WEB.value, str(chat_id))
    return None if account is None or account.is_deleted else account.id


def _stored(message: Message) -> WebChatMessage:
    return WebChatMessage(message.message_id, message.model_dump(mode="json", exclude_none=True, by_alias=True))


def _messages(stored: list[WebChatMessage]) -> list[Message]:
    messages = []
    for item in stored:
        try:
            messages.append(Message.model_validate(item.message))
        except ValidationError:
            log.warning("webchat: a stored message could not be read back; it is left out")
    return messages


def _keyboard_json(keyboard: ReplyKeyboardMarkup | None) -> JsonObject | None:
    return None if keyboard is None else keyboard.model_dump(mode="json", exclude_none=True)


def _reply_keyboard(stored: JsonObject | None) -> ReplyKeyboardMarkup | None:
    if stored is None:
        return None
    try:
        return ReplyKeyboardMarkup.model_validate(stored)
    except ValidationError:
        log.warning("webchat: a stored reply keyboard could not be read back; none is shown")
        return None
