"""The outbox (messages the bot sends on its own initiative) and the scheduled jobs. See docs/delivery.md.

Outbox rows are personal data: the chat address and the content are sealed under the recipient account's
data key (the system key when the recipient is not an account, e.g. a staff group), bound to the row's
`uid`; `chat_index` (a blind index of `channel:chat_id`) keeps a chat's messages in order without revealing
the chat. Scheduled jobs hold only codes and opaque ids, in clear.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.delivery import DeliveryState
from domain.scheduling import JobState
from storage.choices import CHANNELS
from storage.crypto.blind_index import INDEX_SIZE
from storage.crypto.codecs import JSON_VALUE, TEXT
from storage.models.base import Base, account_reference, blind_index_of, choice_check, sealed

OUTBOX_CHAT_INDEX = "outbox_messages.chat"
OUTBOX_DEDUPE_INDEX = "outbox_messages.dedupe_key"
DELIVERY_STATES = tuple(state.value for state in DeliveryState)
JOB_STATES = tuple(state.value for state in JobState)
MAX_ERROR = 200


class OutboxMessageRow(Base):
    """One message to send. `id` orders a chat's messages; `uid` is the row id the ciphertexts are bound to."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(choice_check("state", DELIVERY_STATES), name="state"),
        CheckConstraint(choice_check("channel", CHANNELS), name="channel"),
        Index("ix_outbox_messages_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_outbox_messages_chat_index_id", "chat_index", "id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    uid: Mapped[UUID]
    account_id: Mapped[UUID | None] = account_reference(shred_with_account=True, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))
    chat: Mapped[bytes] = sealed(TEXT, nullable=False)
    chat_index: Mapped[bytes | None] = blind_index_of("chat", OUTBOX_CHAT_INDEX, index=False)
    content: Mapped[bytes] = sealed(JSON_VALUE, nullable=False)
    dedupe_index: Mapped[bytes | None] = mapped_column(LargeBinary(INDEX_SIZE), unique=True)
    state: Mapped[str] = mapped_column(String(16))
    not_before: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR))
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A reply to someone who wrote (bot/replies.py), not a message of the outbox's own: a later reply waits only
    # for earlier replies. In the clear so that the reply's INSERT can ask it (no content opened).
    reply: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class ScheduledJobRow(Base):
    """One timer of a feature: run the handler of `kind` for `ref_id` at `due_at`. One row per (kind, ref_id)."""

    __tablename__ = "scheduled_jobs"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        CheckConstraint(choice_check("state", JOB_STATES), name="state"),
        Index("ix_scheduled_jobs_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    ref_id: Mapped[str] = mapped_column(String(128))
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(MAX_ERROR))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
