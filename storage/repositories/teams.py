"""Teams (team_members): which counselors are in which team lead's team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select

from storage.models.teams import TeamMemberRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TeamMembership:
    member_id: UUID
    lead_id: UUID
    added_at: datetime
    added_by: UUID | None


def _membership(row: TeamMemberRow) -> TeamMembership:
    return TeamMembership(row.member_id, row.lead_id, row.added_at, row.added_by)


class TeamsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> TeamsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def lead_of(self, member_id: UUID) -> UUID | None:
        return await self._session.scalar(select(TeamMemberRow.lead_id).where(TeamMemberRow.member_id == member_id))

    async def members_of(self, lead_id: UUID) -> list[TeamMembership]:
        query = select(TeamMemberRow).where(TeamMemberRow.lead_id == lead_id).order_by(TeamMemberRow.added_at)
        return [_membership(row) for row in (await self._session.scalars(query)).all()]

    async def put(self, member_id: UUID, lead_id: UUID, *, now: datetime, by: UUID | None) -> TeamMembership:
        """The member in `lead_id`'s team (moved from any other team)."""
        row = await self._session.get(TeamMemberRow, member_id)
        if row is None:
            row = TeamMemberRow(member_id=member_id, lead_id=lead_id, added_at=now, added_by=by)
            self._session.add(row)
        else:
            row.lead_id, row.added_at, row.added_by = lead_id, now, by
        await self._session.flush()
        return _membership(row)

    async def remove(self, member_id: UUID) -> bool:
        result = await self._session.execute(delete(TeamMemberRow).where(TeamMemberRow.member_id == member_id))
        return bool(getattr(result, "rowcount", 0))
