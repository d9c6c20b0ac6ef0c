"""Teams: each counselor in at most one team, named by its team lead's account."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Mapped

from storage.models.base import Base, account_reference


class TeamMemberRow(Base):
    """A counselor in a team lead's team. Deleting either account deletes the membership."""

    __tablename__ = "team_members"

    member_id: Mapped[UUID] = account_reference(shred_with_account=True, primary_key=True)
    lead_id: Mapped[UUID] = account_reference(shred_with_account=True)
    added_at: Mapped[datetime]
    added_by: Mapped[UUID | None] = account_reference(shred_with_account=False, nullable=True)
