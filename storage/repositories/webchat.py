"""The web chat's history of an account (webchat_chats, webchat_messages), sealed under the account's key.

A message is stored as the JSON of the Bot API `Message` the page was shown, bound to its place
(`webchat_messages:message:<account id>/<message id>`), so a ciphertext copied to another message or account
does not open. Writes are upserts: a message sent again under the same id (an edit) replaces the stored one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from storage.crypto.codecs import JSON_VALUE
from storage.models.webchat import WebChatMessageRow, WebChatRow
from storage.repositories.base import Repository
from storage.sealing import CipherLocation

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class WebChatMessage:
    message_id: int
    message: JsonObject  # the Bot API Message as JSON


@dataclass(frozen=True)
class WebChatHistory:
    """What is kept of one account's web chat: the message counter, the reply keyboard shown (Bot API
    `ReplyKeyboardMarkup` as JSON, or None) and the last messages, oldest first."""

    account_id: UUID
    last_message_id: int
    reply_keyboard: JsonObject | None
    messages: list[WebChatMessage]


def _message_location(account_id: UUID, message_id: int) -> CipherLocation:
    return CipherLocation(WebChatMessageRow.__tablename__, "message", f"{account_id}/{message_id}")


def _keyboard_location(account_id: UUID) -> CipherLocation:
    return CipherLocation(WebChatRow.__tablename__, "reply_keyboard", str(account_id))


class WebChatRepository(Repository):
    async def load(self, account_id: UUID) -> WebChatHistory | None:
        """The account's web chat, or None when nothing of it is stored."""
        chat = (
            await self._session.execute(
                select(WebChatRow.last_message_id, WebChatRow.reply_keyboard).where(WebChatRow.account_id == account_id)
            )
        ).first()
        rows = (
            await self._session.execute(
                select(WebChatMessageRow.message_id, WebChatMessageRow.message)
                .where(WebChatMessageRow.account_id == account_id)
                .order_by(WebChatMessageRow.message_id)
            )
        ).all()
        if chat is None and not rows:
            return None
        key = await self._keys.for_account(account_id)
        messages = [
            WebChatMessage(
                message_id, self._crypto.open(key, JSON_VALUE, _message_location(account_id, message_id), sealed)
            )
            for message_id, sealed in rows
        ]
        last_message_id = max([chat.last_message_id if chat else 0, *(m.message_id for m in messages)])
        keyboard = None if chat is None else chat.reply_keyboard
        return WebChatHistory(
            account_id=account_id,
            last_message_id=last_message_id,
            reply_keyboard=self._crypto.open(key, JSON_VALUE, _keyboard_location(account_id), keyboard),
            messages=messages,
        )

    async def save_messages(
        self, account_id: UUID, messages: Sequence[WebChatMessage], *, last_message_id: int, keep: int
    ) -> None:
        """Store new or edited messages, count message ids up to `last_message_id`, and keep only the `keep`
        newest messages."""
        if keep < 1:
            raise ValueError("keep at least one message")
        key = await self._keys.for_account(account_id)
        insert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        if messages:
            values = [
                {
                    "account_id": account_id,
                    "message_id": item.message_id,
                    "message": self._crypto.seal(
                        key, JSON_VALUE, _message_location(account_id, item.message_id), item.message
                    ),
                }
                for item in messages
            ]
            upsert = insert(WebChatMessageRow).values(values)
            await self._session.execute(
                upsert.on_conflict_do_update(
                    index_elements=["account_id", "message_id"], set_={"message": upsert.excluded.message}
                )
            )
        counter = insert(WebChatRow).values(account_id=account_id, last_message_id=last_message_id)
        stored, given = WebChatRow.last_message_id, counter.excluded.last_message_id
        await self._session.execute(
            counter.on_conflict_do_update(
                index_elements=["account_id"], set_={"last_message_id": case((stored < given, given), else_=stored)}
            )
        )
        await self._trim(account_id, keep)

    async def save_reply_keyboard(self, account_id: UUID, keyboard: JsonObject | None) -> None:
        """The reply keyboard the chat shows now (None: none)."""
        key = await self._keys.for_account(account_id)
        sealed = self._crypto.seal(key, JSON_VALUE, _keyboard_location(account_id), keyboard)
        insert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        upsert = insert(WebChatRow).values(account_id=account_id, last_message_id=0, reply_keyboard=sealed)
        await self._session.execute(
            upsert.on_conflict_do_update(index_elements=["account_id"], set_={"reply_keyboard": sealed})
        )

    async def delete_message(self, account_id: UUID, message_id: int) -> None:
        await self._session.execute(
            delete(WebChatMessageRow).where(
                WebChatMessageRow.account_id == account_id, WebChatMessageRow.message_id == message_id
            )
        )

    async def _trim(self, account_id: UUID, keep: int) -> None:
        oldest_kept = (
            select(WebChatMessageRow.message_id)
            .where(WebChatMessageRow.account_id == account_id)
            .order_by(WebChatMessageRow.message_id.desc())
            .offset(keep - 1)
            .limit(1)
            .scalar_subquery()
        )
        await self._session.execute(
            delete(WebChatMessageRow).where(
                WebChatMessageRow.account_id == account_id, WebChatMessageRow.message_id < oldest_kept
            )
        )
