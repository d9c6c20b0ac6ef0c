"""The append-only audit log: who did what to whose data, when and why.

No foreign keys on purpose: entries outlive the accounts they mention (a shredded account keeps its
entries, with the sealed reason unreadable), and database triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.crypto.codecs import TEXT
from storage.models.base import Base, sealed


class AuditLogRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[UUID] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_account_id: Mapped[UUID | None] = mapped_column(index=True)
    subject_account_id: Mapped[UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(64))
    reason: Mapped[bytes | None] = sealed(TEXT)
