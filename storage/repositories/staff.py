"""Staff members: role, active flag, sealed display name (their training: storage/repositories/training.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select

from storage.choices import STAFF_ROLES, require_choice
from storage.errors import NotFoundError
from storage.models.staff import StaffMemberRow
from storage.records import StaffMember
from storage.repositories.base import Repository
from storage.sealing import RecordSpec

STAFF = RecordSpec(StaffMemberRow, StaffMember, row_id="account_id")


class StaffRepository(Repository):
    async def add(self, account_id: UUID, *, role: str, display_name: str | None, now: datetime) -> StaffMember:
        require_choice("role", role, STAFF_ROLES)
        key = await self._keys.for_account(account_id)
        row = StaffMemberRow(account_id=account_id, role=role, active=True, created_at=now)
        STAFF.apply(self._crypto, key, row, {"display_name": display_name})
        self._session.add(row)
        await self._session.flush()
        return STAFF.decode(self._crypto, key, row)

    async def get(self, account_id: UUID) -> StaffMember | None:
        row = await self._session.get(StaffMemberRow, account_id)
        return None if row is None else await self._record(row)

    async def require(self, account_id: UUID) -> StaffMember:
        member = await self.get(account_id)
        if member is None:
            raise NotFoundError("staff member", account_id)
        return member

    async def list(self, *, role: str | None = None, active_only: bool = True) -> list[StaffMember]:
        query = select(StaffMemberRow).order_by(StaffMemberRow.created_at, StaffMemberRow.account_id)
        if role is not None:
            require_choice("role", role, STAFF_ROLES)
            query = query.where(StaffMemberRow.role == role)
        if active_only:
            query = query.where(StaffMemberRow.active.is_(True))
        rows = (await self._session.scalars(query)).all()
        await self._keys.preload(row.account_id for row in rows)
        return [await self._record(row) for row in rows]

    async def set_role(self, account_id: UUID, role: str) -> StaffMember:
        require_choice("role", role, STAFF_ROLES)
        return await self._change(account_id, role=role)

    async def set_active(self, account_id: UUID, active: bool) -> StaffMember:
        return await self._change(account_id, active=active)

    async def set_name(self, account_id: UUID, display_name: str) -> StaffMember:
        """The name clients see (sealed under the member's own key, like every name)."""
        return await self._change(account_id, display_name=display_name)

    async def _change(self, account_id: UUID, **values: Any) -> StaffMember:
        row = await self._session.get(StaffMemberRow, account_id)
        if row is None:
            raise NotFoundError("staff member", account_id)
        key = await self._keys.for_account(account_id)
        STAFF.apply(self._crypto, key, row, values)
        await self._session.flush()
        return STAFF.decode(self._crypto, key, row)

    async def _record(self, row: StaffMemberRow) -> StaffMember:
        return STAFF.decode(self._crypto, await self._keys.for_account(row.account_id), row)
