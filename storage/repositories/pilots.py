"""Pilots and their assignments (storage/models/pilots.py): codes and times only, nothing sealed.

`outcomes` reads what the comparison needs in two statements whatever the pilot's size: each assigned client's
arm and registration time, and each one's first introduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.reports.pilots import Arm, Flag, Metric, Outcome, PilotState
from storage.models.clients import ClientProfileRow
from storage.models.matching import IntroductionRow
from storage.models.pilots import PilotAssignmentRow, PilotRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork

LIVE = (PilotState.RUNNING.value, PilotState.ROLLED_OUT.value)


@dataclass(frozen=True)
class Pilot:
    id: int
    flag: Flag
    metric: Metric
    share: int
    state: PilotState
    started_at: datetime
    started_by: UUID | None
    ended_at: datetime | None
    ended_by: UUID | None


def _pilot(row: PilotRow) -> Pilot:
    return Pilot(
        row.id,
        Flag(row.flag),
        Metric(row.metric),
        row.share,
        PilotState(row.state),
        row.started_at,
        row.started_by,
        row.ended_at,
        row.ended_by,
    )


class PilotsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> PilotsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def add(self, flag: Flag, metric: Metric, share: int, *, now: datetime, by: UUID | None) -> Pilot:
        row = PilotRow(
            flag=flag.value, metric=metric.value, share=share, state=PilotState.RUNNING.value, started_at=now,
            started_by=by,
        )
        self._session.add(row)
        await self._session.flush()
        return _pilot(row)

    async def get(self, pilot_id: int) -> Pilot | None:
        row = await self._session.get(PilotRow, pilot_id, populate_existing=True)
        return None if row is None else _pilot(row)

    async def live(self) -> list[Pilot]:
        """Running and rolled-out pilots: the ones whose flag the code must ask about."""
        rows = await self._session.scalars(
            select(PilotRow).where(PilotRow.state.in_(LIVE)).order_by(PilotRow.id)
        )
        return [_pilot(row) for row in rows.all()]

    async def recent(self, limit: int) -> list[Pilot]:
        """The newest pilots first, whatever their state."""
        rows = await self._session.scalars(select(PilotRow).order_by(PilotRow.id.desc()).limit(limit))
        return [_pilot(row) for row in rows.all()]

    async def end(self, pilot_id: int, state: PilotState, *, now: datetime, by: UUID | None) -> bool:
        """Roll out or stop a running pilot; False when it is not running (any more)."""
        changed = await self._execute_dml(
            update(PilotRow)
            .where(PilotRow.id == pilot_id, PilotRow.state == PilotState.RUNNING.value)
            .values(state=state.value, ended_at=now, ended_by=by)
        )
        return changed > 0

    async def arm(self, pilot_id: int, client_id: UUID) -> Arm | None:
        value = await self._session.scalar(
            select(PilotAssignmentRow.arm).where(
                PilotAssignmentRow.pilot_id == pilot_id, PilotAssignmentRow.client_id == client_id
            )
        )
        return None if value is None else Arm(value)

    async def record(self, pilot_id: int, client_id: UUID, arm: Arm, *, now: datetime) -> None:
        """Record the client's arm (once: a second record of the same client is ignored)."""
        insert = pg_insert if self._dialect_name == "postgresql" else sqlite_insert
        await self._session.execute(
            insert(PilotAssignmentRow)
            .values(pilot_id=pilot_id, client_id=client_id, arm=arm.value, assigned_at=now)
            .on_conflict_do_nothing(index_elements=["pilot_id", "client_id"])
        )

    async def arm_counts(self, pilot_id: int) -> dict[Arm, int]:
        rows = await self._session.execute(
            select(PilotAssignmentRow.arm, func.count())
            .where(PilotAssignmentRow.pilot_id == pilot_id)
            .group_by(PilotAssignmentRow.arm)
        )
        return {Arm(arm): int(count) for arm, count in rows.all()}

    async def outcomes(self, pilot_id: int) -> list[Outcome]:
        """Each assigned client's arm, registration time and first introduction (None: not introduced)."""
        members = select(PilotAssignmentRow.client_id).where(PilotAssignmentRow.pilot_id == pilot_id)
        sides = union_all(
            select(IntroductionRow.first_id.label("client_id"), IntroductionRow.created_at).where(
                IntroductionRow.first_id.in_(members)
            ),
            select(IntroductionRow.second_id.label("client_id"), IntroductionRow.created_at).where(
                IntroductionRow.second_id.in_(members)
            ),
        ).subquery()
        firsts = await self._session.execute(
            select(sides.c.client_id, func.min(sides.c.created_at)).group_by(sides.c.client_id)
        )
        first_of: dict[UUID, datetime] = {row[0]: row[1] for row in firsts.all()}
        rows = await self._session.execute(
            select(PilotAssignmentRow.client_id, PilotAssignmentRow.arm, ClientProfileRow.activated_at)
            .join(ClientProfileRow, ClientProfileRow.account_id == PilotAssignmentRow.client_id)
            .where(PilotAssignmentRow.pilot_id == pilot_id, ClientProfileRow.activated_at.is_not(None))
        )
        return [
            Outcome(Arm(arm), registered_at, first_of.get(client))
            for client, arm, registered_at in rows.all()
            if registered_at is not None
        ]
