"""Casework: who looks after each client (client_assignments) and counselors' notes (client_notes)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select

from storage.models.casework import ClientAssignmentRow
from storage.repositories.base import Repository


class AssignmentsRepository(Repository):
    async def counselor_of(self, client_id: UUID) -> UUID | None:
        """The client's assigned counselor, if any."""
        return await self._session.scalar(
            select(ClientAssignmentRow.counselor_id).where(ClientAssignmentRow.client_id == client_id)
        )
