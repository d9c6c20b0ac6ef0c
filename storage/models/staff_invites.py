"""Staff invites: one-time codes, stored only as a keyed hash (the code itself is a secret)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.choices import STAFF_ROLES
from storage.crypto.blind_index import INDEX_SIZE
from storage.models.base import Base, account_reference, choice_check

# The blind-index key of invite codes (HKDF-derived from BLIND_INDEX_KEY like every other index).
STAFF_INVITE_CODE = "staff_invites.code"


class StaffInviteRow(Base):
    __tablename__ = "staff_invites"
    __table_args__ = (CheckConstraint(choice_check("role", STAFF_ROLES), name="role"),)

    id: Mapped[UUID] = mapped_column(primary_key=True)
    code_index: Mapped[bytes] = mapped_column(LargeBinary(INDEX_SIZE), unique=True)
    role: Mapped[str] = mapped_column(String(24))
    created_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
