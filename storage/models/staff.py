"""Staff members: the agency's people and their roles."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.choices import STAFF_ROLES
from storage.crypto.codecs import TEXT
from storage.models.base import Base, account_reference, choice_check, sealed


class StaffMemberRow(Base):
    __tablename__ = "staff_members"
    __table_args__ = (CheckConstraint(choice_check("role", STAFF_ROLES), name="role"),)

    account_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    role: Mapped[str] = mapped_column(String(24))
    active: Mapped[bool] = mapped_column(Boolean)
    display_name: Mapped[bytes | None] = sealed(TEXT)
    created_at: Mapped[datetime]
