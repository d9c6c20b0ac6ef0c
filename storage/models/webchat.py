"""The web chat's history: what a web chat client's page shows again after a reload or a server restart.

The web chat has no Telegram keeping the conversation on the client's phone: the server is the only place it
lives. So the last messages of each web chat account (the client's and the bot's, as the page shows them) are
kept here, sealed under the account's data key and deleted with the account. Only ids and the message
counter are clear.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto.codecs import JSON_VALUE
from storage.models.base import Base, account_reference, sealed


class WebChatRow(Base):
    """One web chat: its message counter (message ids are never reused, also after a restart) and the reply
    keyboard it shows."""

    __tablename__ = "webchat_chats"

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    last_message_id: Mapped[int] = mapped_column(Integer)
    reply_keyboard: Mapped[bytes | None] = sealed(JSON_VALUE)


class WebChatMessageRow(Base):
    """One message of a web chat as Telegram would return it (a Bot API `Message`), sealed; the oldest beyond
    the kept number are deleted as new ones come."""

    __tablename__ = "webchat_messages"

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    message_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    message: Mapped[bytes] = sealed(JSON_VALUE, nullable=False)
