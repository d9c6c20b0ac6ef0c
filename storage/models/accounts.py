"""Accounts (everyone who talks to the bot), their data keys and their consents."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, CheckConstraint, LargeBinary, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.choices import CHANNELS, LOCALES
from storage.crypto.blind_index import ACCOUNT_EXTERNAL_ID
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, blind_index_of, choice_check, sealed


class AccountRow(Base):
    """One person on one channel. After crypto-shredding only a tombstone is left (no external id)."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("channel", "external_id_index"),
        CheckConstraint(choice_check("channel", CHANNELS), name="channel"),
        CheckConstraint(choice_check("locale", LOCALES), name="locale"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id_index: Mapped[bytes | None] = blind_index_of("external_id", ACCOUNT_EXTERNAL_ID, index=False)
    external_id: Mapped[bytes | None] = sealed(TEXT)
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable_since: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DataKeyRow(Base):
    """A data key (AES-256) wrapped by a master key: one per account, plus named system keys.

    Destroying a key (crypto-shredding) empties `wrapped_key` and sets `destroyed_at`; the row stays so that
    the destruction itself is on record.
    """

    __tablename__ = "data_keys"
    __table_args__ = (
        CheckConstraint("(account_id IS NULL) <> (system_name IS NULL)", name="one_owner"),
        CheckConstraint("(wrapped_key IS NULL) = (destroyed_at IS NOT NULL)", name="destroyed_has_no_key"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_id: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True, unique=True)
    system_name: Mapped[str | None] = mapped_column(String(32), unique=True)
    master_key_id: Mapped[str] = mapped_column(String(40), index=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None]


class ConsentRow(Base):
    """A client's acceptance of a version of the privacy notice."""

    __tablename__ = "consents"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    account_id: Mapped[UUID] = account_reference(shred_with_account=True)
    notice_version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime]
