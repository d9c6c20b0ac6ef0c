"""What the web chat holds of one chat: its last messages, its message counter and its reply keyboard.

The memory is what a reconnecting page is shown again, what a button press is checked against and turned
into a `CallbackQuery.message`, what an edit or a deletion applies to, and what decides which stored files
the chat's browser may fetch. When the chat belongs to an account, the memory is a copy of the history
stored in the database (`bot.webchat.history`): `owner` names that account, and the memory is filled from
the database the first time the chat is used after a start.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Iterable
from uuid import UUID

from aiogram.types import Message, ReplyKeyboardMarkup


def file_ids(message: Message) -> set[str]:
    """The file ids a message shows (its photo sizes and its document)."""
    found = {size.file_id for size in message.photo or []}
    if message.document is not None:
        found.add(message.document.file_id)
    return found


class ChatMemory:
    """The last `limit` messages of one chat, in order, with the chat's increasing message ids.

    `lock` orders the changes of the chat and their saving; `loaded` says the stored history was read in;
    `owner` is the account whose stored history this memory mirrors (None: a visitor without an account,
    whose messages are kept in this process only).
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the history limit must be positive")
        self._limit = limit
        self._messages: OrderedDict[int, Message] = OrderedDict()
        self._last_id = 0
        self.reply_keyboard: ReplyKeyboardMarkup | None = None
        self.lock = asyncio.Lock()
        self.loaded = False
        self.owner: UUID | None = None

    @property
    def last_message_id(self) -> int:
        return self._last_id

    def next_message_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def restore(self, owner: UUID, last_message_id: int, messages: Iterable[Message]) -> None:
        """Take over a stored history: its owner, its counter and its messages (oldest first)."""
        self.owner = owner
        self._last_id = max(self._last_id, last_message_id)
        for message in messages:
            self.remember(message)

    def remember(self, message: Message) -> None:
        """Add a new message, or replace an edited one in place; the oldest beyond the limit is forgotten."""
        self._messages[message.message_id] = message
        while len(self._messages) > self._limit:
            self._messages.popitem(last=False)

    def get(self, message_id: int) -> Message | None:
        return self._messages.get(message_id)

    def forget(self, message_id: int) -> bool:
        return self._messages.pop(message_id, None) is not None

    def erase(self, *, keep: int | None = None) -> None:
        """Forget the messages (all but message `keep`) of an account that was deleted; the counter stays, so
        no message id is ever used twice."""
        kept = self._messages.get(keep) if keep is not None else None
        self._messages.clear()
        if kept is not None:
            self._messages[kept.message_id] = kept
        self.owner = None

    def messages(self) -> list[Message]:
        return list(self._messages.values())

    def shows_file(self, file_id: str) -> bool:
        return any(file_id in file_ids(message) for message in self._messages.values())
