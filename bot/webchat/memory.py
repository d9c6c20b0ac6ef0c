"""What the web chat remembers of one chat: its last messages, its message counter and its reply keyboard.

The memory lives in the process only. It is what a reconnecting page is shown again, what a button press is
checked against and turned into a `CallbackQuery.message`, what an edit or a deletion applies to, and what
decides which stored files the chat's browser may fetch.
"""

from __future__ import annotations

from collections import OrderedDict

from aiogram.types import Message, ReplyKeyboardMarkup


def file_ids(message: Message) -> set[str]:
    """The file ids a message shows (its photo sizes and its document)."""
    found = {size.file_id for size in message.photo or []}
    if message.document is not None:
        found.add(message.document.file_id)
    return found


class ChatMemory:
    """The last `limit` messages of one chat, in order, with the chat's increasing message ids."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("the history limit must be positive")
        self._limit = limit
        self._messages: OrderedDict[int, Message] = OrderedDict()
        self._last_id = 0
        self.reply_keyboard: ReplyKeyboardMarkup | None = None

    def next_message_id(self) -> int:
        self._last_id += 1
        return self._last_id

    def remember(self, message: Message) -> None:
        """Add a new message, or replace an edited one in place; the oldest beyond the limit is forgotten."""
        self._messages[message.message_id] = message
        while len(self._messages) > self._limit:
            self._messages.popitem(last=False)

    def get(self, message_id: int) -> Message | None:
        return self._messages.get(message_id)

    def forget(self, message_id: int) -> bool:
        return self._messages.pop(message_id, None) is not None

    def messages(self) -> list[Message]:
        return list(self._messages.values())

    def shows_file(self, file_id: str) -> bool:
        return any(file_id in file_ids(message) for message in self._messages.values())
