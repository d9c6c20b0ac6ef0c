"""The moderation state of reported profiles (profile_moderation) and the blocks clients set between
themselves (client_blocks). Nothing here is sealed: codes, times and references only."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, or_, select, union, update

from domain.quality import ModerationState
from storage.models.accounts import ConsentRow
from storage.models.quality import ClientBlockRow, ProfileModerationRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ProfileModeration:
    account_id: UUID
    state: ModerationState
    hidden_until: datetime | None
    warnings: int
    updated_at: datetime
    updated_by: UUID | None


class ModerationRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> ModerationRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def get(self, account_id: UUID) -> ProfileModeration | None:
        row = await self._session.get(ProfileModerationRow, account_id, populate_existing=True)
        return None if row is None else _record(row)

    async def apply(
        self,
        account_id: UUID,
        state: ModerationState,
        *,
        hidden_until: datetime | None,
        by: UUID | None,
        now: datetime,
    ) -> ProfileModeration:
        """Set the profile's state (a warning counts one more warning; clearing keeps the count)."""
        row = await self._session.get(ProfileModerationRow, account_id, populate_existing=True)
        if row is None:
            row = ProfileModerationRow(account_id=account_id, warnings=0, state=state.value, updated_at=now)
            self._session.add(row)
        row.state, row.hidden_until, row.updated_at, row.updated_by = state.value, hidden_until, now, by
        if state is ModerationState.WARNED:
            row.warnings = (row.warnings or 0) + 1
        await self._session.flush()
        return _record(row)

    async def lift(self, account_id: UUID, *, by: UUID | None, now: datetime) -> bool:
        """End a suspension: the profile is clear again (its warnings kept). One conditional UPDATE, so of two
        people lifting at once one does it; False when the profile was not suspended."""
        statement = (
            update(ProfileModerationRow)
            .where(
                ProfileModerationRow.account_id == account_id,
                ProfileModerationRow.state == ModerationState.SUSPENDED.value,
            )
            .values(state=ModerationState.CLEAR.value, hidden_until=None, updated_at=now, updated_by=by)
            .execution_options(synchronize_session=False)
        )
        return await self._execute_dml(statement) > 0

    async def hidden_ids(self, now: datetime, *, notice_version: str | None = None) -> set[UUID]:
        """Everyone kept out of suggestions at `now` (suspended, or hidden until later), and with
        `notice_version` those who accepted only an earlier privacy notice; in one query."""
        hidden = and_(
            ProfileModerationRow.state == ModerationState.HIDDEN.value, ProfileModerationRow.hidden_until > now
        )
        suspended = ProfileModerationRow.state == ModerationState.SUSPENDED.value
        moderated = select(ProfileModerationRow.account_id).where(or_(hidden, suspended))
        if notice_version is None:
            return set((await self._session.scalars(moderated)).all())
        current = select(ConsentRow.account_id).where(ConsentRow.notice_version == notice_version)
        stale = select(ConsentRow.account_id).where(ConsentRow.account_id.not_in(current))
        rows = await self._session.execute(union(moderated, stale))
        return {row[0] for row in rows.all()}

    # --- blocks ---------------------------------------------------------------------------------------------
    async def block(self, blocker_id: UUID, blocked_id: UUID, *, now: datetime) -> bool:
        """Record the block; False when it was there already."""
        if await self._session.get(ClientBlockRow, (blocker_id, blocked_id)) is not None:
            return False
        self._session.add(ClientBlockRow(blocker_id=blocker_id, blocked_id=blocked_id, created_at=now))
        await self._session.flush()
        return True

    async def blocked_between(self, one: UUID, other: UUID) -> bool:
        """Whether either of the two blocked the other."""
        found = await self._session.scalar(
            select(ClientBlockRow.blocker_id)
            .where(
                or_(
                    and_(ClientBlockRow.blocker_id == one, ClientBlockRow.blocked_id == other),
                    and_(ClientBlockRow.blocker_id == other, ClientBlockRow.blocked_id == one),
                )
            )
            .limit(1)
        )
        return found is not None

    async def blocked_among(self, account_id: UUID, others: Collection[UUID]) -> set[UUID]:
        """Those of `others` the client blocked or was blocked by."""
        if not others:
            return set()
        ids = list(others)
        rows = await self._session.execute(
            select(ClientBlockRow.blocker_id, ClientBlockRow.blocked_id).where(
                or_(
                    and_(ClientBlockRow.blocker_id == account_id, ClientBlockRow.blocked_id.in_(ids)),
                    and_(ClientBlockRow.blocked_id == account_id, ClientBlockRow.blocker_id.in_(ids)),
                )
            )
        )
        return {blocked if blocker == account_id else blocker for blocker, blocked in rows.all()}


def _record(row: ProfileModerationRow) -> ProfileModeration:
    return ProfileModeration(
        account_id=row.account_id,
        state=ModerationState(row.state),
        hidden_until=row.hidden_until,
        warnings=row.warnings,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
