"""Staff invites: create one, find one by its code, use it once.

Only the code's blind index is stored; the code is returned once, at creation, to be shown to its creator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import select, update

from domain import invites
from storage.choices import STAFF_ROLES, require_choice
from storage.models.staff_invites import STAFF_INVITE_CODE, StaffInviteRow
from storage.repositories.base import Repository


@dataclass(frozen=True)
class StaffInvite:
    id: UUID
    role: str
    created_by: UUID | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    used_by: UUID | None


class InvitesRepository(Repository):
    async def create(
        self, code: str, *, role: str, created_by: UUID | None, now: datetime, expires_at: datetime
    ) -> StaffInvite:
        require_choice("role", role, STAFF_ROLES)
        row = StaffInviteRow(
            id=uuid4(),
            code_index=self._index(code),
            role=role,
            created_by=created_by,
            created_at=now,
            expires_at=expires_at,
        )
        self._session.add(row)
        await self._session.flush()
        return _record(row)

    async def issue(self, role: str, *, created_by: UUID | None, now: datetime, hours: int) -> str:
        """A new invite for `role`, valid `hours`; returns its `/start` payload (shown once, never stored)."""
        code = invites.new_code()
        await self.create(code, role=role, created_by=created_by, now=now, expires_at=invites.expires_at(now, hours))
        return invites.payload(code)

    async def find(self, code: str) -> StaffInvite | None:
        row = await self._session.scalar(select(StaffInviteRow).where(StaffInviteRow.code_index == self._index(code)))
        return None if row is None else _record(row)

    async def use(self, invite_id: UUID, *, account_id: UUID, now: datetime) -> bool:
        """Mark the invite used by `account_id`; False if it was already used (two people raced for it)."""
        touched = await self._execute_dml(
            update(StaffInviteRow)
            .where(StaffInviteRow.id == invite_id, StaffInviteRow.used_at.is_(None))
            .values(used_at=now, used_by=account_id)
            .execution_options(synchronize_session=False)
        )
        return touched == 1

    def _index(self, code: str) -> bytes:
        return self._crypto.blind_index(STAFF_INVITE_CODE, code)


def _record(row: StaffInviteRow) -> StaffInvite:
    return StaffInvite(
        id=row.id,
        role=row.role,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_at=row.used_at,
        used_by=row.used_by,
    )
