"""The web chat's shared state: open sockets per chat, each chat's memory, pending button presses, files."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.webchat.connection import Connection
from bot.webchat.files import KEY_BYTES, EncryptedFileStore
from bot.webchat.identity import UserIds
from bot.webchat.memory import ChatMemory
from bot.webchat.protocol import Frame

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
    remembered, in this process only.
    """

    def __init__(self, directory: Path, key: bytes, *, history_limit: int = DEFAULT_HISTORY_LIMIT) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"the web chat key must be {KEY_BYTES} bytes")
        self.files = EncryptedFileStore(directory, _subkey(key, b"files"))
        self.user_ids = UserIds(_subkey(key, b"user ids"))
        self.history_limit = history_limit
        self._chats: dict[int, ChatMemory] = {}
        self._sockets: dict[int, set[Connection]] = {}
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._pending: OrderedDict[str, PendingCallback] = OrderedDict()

    def chat(self, chat_id: int) -> ChatMemory:
        memory = self._chats.get(chat_id)
        if memory is None:
            memory = self._chats[chat_id] = ChatMemory(self.history_limit)
        return memory

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
        """A chat's browser may fetch a stored file while one of the chat's remembered messages shows it."""
        memory = self._chats.get(chat_id)
        return memory is not None and memory.shows_file(file_id)
