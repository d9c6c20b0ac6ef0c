"""The web chat's shared state: open sockets per chat, each chat's memory and history, pending button presses,
files.

Every change of a chat goes through the hub (`add`, `replace`, `remove`): applied to the chat's memory,
written through to the history store, then shown on the chat's open pages, in that order and one change of a
chat at a time (the memory's lock).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from aiogram.types import Message, ReplyKeyboardMarkup, ReplyKeyboardRemove
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.webchat.connection import Connection
from bot.webchat.files import KEY_BYTES, EncryptedFileStore
from bot.webchat.history import Change, DatabaseHistory, HistoryStore, ProcessOnly
from bot.webchat.identity import UserIds
from bot.webchat.memory import ChatMemory
from bot.webchat.protocol import Frame, delete_frame
from bot.webchat.rendering import Markup, message_frame
from storage.database import Database

# The newest messages kept of each chat, in memory and in the database. A whole registration is about 60
# messages (some 25 questions about the client and the partner they seek, each asked and answered, a few
# corrections), a date about 15, so 200 keeps what a client scrolls back to (the registration and the last
# weeks' suggestions, dates and counselor talks) while bounding what is stored per client (200 sealed
# messages of 1-3 KB) and what a reconnecting page is sent in one frame. The counselor's record of a
# conversation does not depend on it: the relay transcript is kept whole (relay_messages).
DEFAULT_HISTORY_LIMIT = 200
_PENDING_CALLBACKS = 2000


@dataclass(frozen=True)
class PendingCallback:
    chat_id: int
    message_id: int


def _subkey(key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"yuelao-webchat " + purpose).derive(key)


class WebChatHub:
    """Everything the server and the bot session share.

    `directory` holds the encrypted files (the app passes DATA_DIR/"webchat"); `key` is 32 secret bytes that
    must stay the same across restarts: the file key and the key that turns browser ids into user ids are
    derived from it. `history_limit`: how many of each chat's last messages (the user's and the bot's) are
    kept. Histories live in this process only until `keep_history_in(database)` (which `create_webchat_app`
    calls with the dispatcher's database): then they are stored there too, and survive a restart.
    """

    def __init__(self, directory: Path, key: bytes, *, history_limit: int = DEFAULT_HISTORY_LIMIT) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the web chat key must be {KEY_BYTES} bytes")
        self.files = EncryptedFileStore(directory, _subkey(key, b"files"))
        self.user_ids = UserIds(_subkey(key, b"user ids"))
        self.history_limit = history_limit
        self._history: HistoryStore = ProcessOnly()
        self._chats: dict[int, ChatMemory] = {}
        self._sockets: dict[int, set[Connection]] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._pending: OrderedDict[str, PendingCallback] = OrderedDict()

    def keep_history_in(self, database: Database) -> None:
        """Store the histories of chats with an account in `database`; call it before the first chat is used."""
        if self._chats:
            raise RuntimeError("the history store is chosen before any chat is used")
        self._history = DatabaseHistory(database, keep=self.history_limit)

    async def chat(self, chat_id: int) -> ChatMemory:
        """The chat's memory; the first use after a start reads its stored history."""
        memory = self._chats.get(chat_id)
        if memory is None:
            memory = self._chats[chat_id] = ChatMemory(self.history_limit)
        if not memory.loaded:
            async with memory.lock:
                if not memory.loaded:
                    await self._history.restore(chat_id, memory)
                    memory.loaded = True
        return memory

    async def open_chat(self, chat_id: int) -> ChatMemory:
        """The chat's memory for a page that (re)connects, checked against the store first (an account
        deleted meanwhile takes its history with it)."""
        memory = await self.chat(chat_id)
        async with memory.lock:
            await self._history.save(chat_id, memory, Change())
        return memory

    async def add(self, chat_id: int, message: Message, markup: Markup = None) -> None:
        """A new message (the user's or the bot's); `markup` is the keyboard it was sent with, which sets
        the chat's reply keyboard when it is one."""
        memory = await self.chat(chat_id)
        async with memory.lock:
            memory.remember(message)
            keyboard_changed = False
            if isinstance(markup, ReplyKeyboardMarkup):
                memory.reply_keyboard, keyboard_changed = markup, True
            elif isinstance(markup, ReplyKeyboardRemove):
                keyboard_changed = memory.reply_keyboard is not None
                memory.reply_keyboard = None
            await self._history.save(
                chat_id, memory, Change(message=message, new=True, reply_keyboard=keyboard_changed)
            )
            self.broadcast(chat_id, message_frame(message, markup=markup))

    async def replace(self, chat_id: int, message: Message) -> None:
        """An edited message, replaced in place."""
        memory = await self.chat(chat_id)
        async with memory.lock:
            memory.remember(message)
            await self._history.save(chat_id, memory, Change(message=message))
            self.broadcast(chat_id, message_frame(message, kind="edit"))

    async def remove(self, chat_id: int, message_id: int) -> bool:
        """Delete a message; False when the chat does not hold it."""
        memory = await self.chat(chat_id)
        async with memory.lock:
            if not memory.forget(message_id):
                return False
            await self._history.save(chat_id, memory, Change(removed=message_id))
            self.broadcast(chat_id, delete_frame(message_id))
        return True

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def attach(self, connection: Connection) -> None:
        assert connection.chat_id is not None
        self._sockets.setdefault(connection.chat_id, set()).add(connection)

    def detach(self, connection: Connection) -> None:
        chat_id = connection.chat_id
        if chat_id is None:
            return
        sockets = self._sockets.get(chat_id)
        if sockets is not None:
            sockets.discard(connection)
            if not sockets:
                del self._sockets[chat_id]

    def broadcast(self, chat_id: int, frame: Frame) -> None:
        """Queue a frame for every open socket of the chat (none open: the history shows it later)."""
        for connection in list(self._sockets.get(chat_id, ())):
            connection.send(frame)

    def open_callback(self, chat_id: int, message_id: int) -> str:
        """A new callback query id, remembered until the bot answers it."""
        query_id = f"web-{next(self._callback_ids)}"
        self._pending[query_id] = PendingCallback(chat_id, message_id)
        while len(self._pending) > _PENDING_CALLBACKS:
            self._pending.popitem(last=False)
        return query_id

    def close_callback(self, query_id: str) -> PendingCallback | None:
        return self._pending.pop(query_id, None)

    def may_read(self, chat_id: int, file_id: str) -> bool:
        """A chat's browser may fetch a stored file while one of the chat's messages shows it (its page said
        hello first, which read the chat's history in)."""
        memory = self._chats.get(chat_id)
        return memory is not None and memory.loaded and memory.shows_file(file_id)
