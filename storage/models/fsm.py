"""aiogram conversation state. The row key is an HMAC of the aiogram StorageKey (it holds Telegram ids)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto.blind_index import INDEX_SIZE
from storage.crypto.codecs import JSON_VALUE, TEXT
from storage.models.base import Base, account_reference, sealed


class FsmStateRow(Base):
    __tablename__ = "fsm_states"

    key_index: Mapped[bytes] = mapped_column(LargeBinary(INDEX_SIZE), primary_key=True)
    account_id: Mapped[UUID | None] = account_reference(shred_with_account=True, nullable=True)
    state: Mapped[bytes | None] = sealed(TEXT)
    data: Mapped[bytes | None] = sealed(JSON_VALUE)
    updated_at: Mapped[datetime]
