"""Hiring (hiring_positions, hiring_candidates, hiring_events): positions in the clear; a candidate's name,
phone, answers and the notes about them sealed under the candidate's account key. A stage changes with a
conditional UPDATE (from the stage the presser saw), so two managers pressing at once move a candidate once.
Reached as `HiringRepository.of(uow)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import func, select, update

from domain.personnel.hiring import Application, EventKind, PositionState, Stage
from storage.models.hiring import HiringCandidateRow, HiringEventRow, HiringPositionRow
from storage.repositories.base import Repository, RepositoryContext
from storage.sealing import RecordSpec
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Position:
    id: UUID
    code: str
    role: str
    title: str
    headcount: int
    requirements: str
    state: str
    created_by: UUID | None
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Candidate:
    id: UUID
    position_id: UUID
    account_id: UUID
    stage: str
    name: str
    phone: str
    experience: str
    motivation: str
    applied_at: datetime
    stage_changed_at: datetime
    invite_id: UUID | None


@dataclass(frozen=True)
class CandidateEvent:
    id: UUID
    candidate_id: UUID
    account_id: UUID
    kind: str
    stage: str | None
    note: str | None
    actor_id: UUID | None
    created_at: datetime


POSITIONS = RecordSpec(HiringPositionRow, Position, row_id="id")
CANDIDATES = RecordSpec(HiringCandidateRow, Candidate, row_id="id")
EVENTS = RecordSpec(HiringEventRow, CandidateEvent, row_id="id")


class HiringRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> HiringRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    # --- positions -------------------------------------------------------------------------------------------
    async def add_position(
        self, *, code: str, role: str, title: str, headcount: int, requirements: str, by: UUID | None, now: datetime
    ) -> Position:
        row = HiringPositionRow(
            id=uuid4(),
            code=code,
            role=role,
            title=title,
            headcount=headcount,
            requirements=requirements,
            state=PositionState.OPEN.value,
            created_by=by,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return POSITIONS.decode(self._crypto, None, row)

    async def code_taken(self, code: str) -> bool:
        found = await self._session.scalar(select(HiringPositionRow.id).where(HiringPositionRow.code == code))
        return found is not None

    async def position(self, position_id: UUID) -> Position | None:
        row = await self._session.get(HiringPositionRow, position_id, populate_existing=True)
        return None if row is None else POSITIONS.decode(self._crypto, None, row)

    async def position_by_code(self, code: str) -> Position | None:
        row = await self._session.scalar(select(HiringPositionRow).where(HiringPositionRow.code == code))
        return None if row is None else POSITIONS.decode(self._crypto, None, row)

    async def positions(self) -> list[Position]:
        """Every position: the open ones first, each group the newest first."""
        rows = (
            await self._session.scalars(
                select(HiringPositionRow).order_by(
                    (HiringPositionRow.state == PositionState.OPEN.value).desc(),
                    HiringPositionRow.created_at.desc(),
                    HiringPositionRow.id,
                )
            )
        ).all()
        return [POSITIONS.decode(self._crypto, None, row) for row in rows]

    async def close_position(self, position_id: UUID, now: datetime) -> bool:
        """Close an open position (no more applications); False when it was closed already."""
        statement = (
            update(HiringPositionRow)
            .where(HiringPositionRow.id == position_id, HiringPositionRow.state == PositionState.OPEN.value)
            .values(state=PositionState.CLOSED.value, closed_at=now)
            .execution_options(synchronize_session=False)
        )
        return await self._execute_dml(statement) > 0

    async def stage_counts(self, position_ids: Iterable[UUID]) -> dict[UUID, dict[Stage, int]]:
        """How many candidates stand at each stage, per position (stages without anyone left out)."""
        ids = list(position_ids)
        counts: dict[UUID, dict[Stage, int]] = {position_id: {} for position_id in ids}
        if not ids:
            return counts
        rows = await self._session.execute(
            select(HiringCandidateRow.position_id, HiringCandidateRow.stage, func.count())
            .where(HiringCandidateRow.position_id.in_(ids))
            .group_by(HiringCandidateRow.position_id, HiringCandidateRow.stage)
        )
        for position_id, stage, count in rows:
            counts[position_id][Stage(stage)] = int(count)
        return counts

    # --- candidates ------------------------------------------------------------------------------------------
    async def has_applied(self, position_id: UUID, account_id: UUID) -> bool:
        found = await self._session.scalar(
            select(HiringCandidateRow.id).where(
                HiringCandidateRow.position_id == position_id, HiringCandidateRow.account_id == account_id
            )
        )
        return found is not None

    async def add_candidate(
        self, position_id: UUID, account_id: UUID, application: Application, *, now: datetime
    ) -> Candidate:
        """The application, sealed under the candidate's key, and the first line of its timeline."""
        row = HiringCandidateRow(
            id=uuid4(),
            position_id=position_id,
            account_id=account_id,
            stage=Stage.APPLIED.value,
            applied_at=now,
            stage_changed_at=now,
        )
        key = await self._keys.for_account(account_id)
        values = {
            "name": application.name,
            "phone": application.phone,
            "experience": application.experience,
            "motivation": application.motivation,
        }
        CANDIDATES.apply(self._crypto, key, row, values)
        self._session.add(row)
        await self._session.flush()
        candidate = CANDIDATES.decode(self._crypto, key, row)
        await self.add_event(candidate, EventKind.APPLIED, stage=Stage.APPLIED, actor_id=account_id, now=now)
        return candidate

    async def candidate(self, candidate_id: UUID) -> Candidate | None:
        """The candidate, opened; None when there is none or their account (and key) is gone."""
        row = await self._session.get(HiringCandidateRow, candidate_id, populate_existing=True)
        if row is None:
            return None
        key = await self._keys.usable_key(row.account_id)
        return None if key is None else CANDIDATES.decode(self._crypto, key, row)

    async def candidates(self, position_id: UUID, stage: Stage) -> list[Candidate]:
        """The position's candidates at `stage`, the longest waiting first."""
        rows = (
            await self._session.scalars(
                select(HiringCandidateRow)
                .where(HiringCandidateRow.position_id == position_id, HiringCandidateRow.stage == stage.value)
                .order_by(HiringCandidateRow.stage_changed_at, HiringCandidateRow.id)
                .execution_options(populate_existing=True)
            )
        ).all()
        await self._keys.preload(row.account_id for row in rows)
        found = []
        for row in rows:
            key = await self._keys.usable_key(row.account_id)
            if key is not None:
                found.append(CANDIDATES.decode(self._crypto, key, row))
        return found

    async def move(self, candidate_id: UUID, *, source: Stage, target: Stage, now: datetime) -> bool:
        """Move the candidate from `source` (where the presser saw them) to `target`; False when they had moved."""
        statement = (
            update(HiringCandidateRow)
            .where(HiringCandidateRow.id == candidate_id, HiringCandidateRow.stage == source.value)
            .values(stage=target.value, stage_changed_at=now)
            .execution_options(synchronize_session=False)
        )
        return await self._execute_dml(statement) > 0

    async def set_invite(self, candidate_id: UUID, invite_id: UUID) -> None:
        await self._execute_dml(
            update(HiringCandidateRow)
            .where(HiringCandidateRow.id == candidate_id)
            .values(invite_id=invite_id)
            .execution_options(synchronize_session=False)
        )

    # --- the timeline ----------------------------------------------------------------------------------------
    async def add_event(
        self,
        candidate: Candidate,
        kind: EventKind,
        *,
        now: datetime,
        stage: Stage | None = None,
        note: str | None = None,
        actor_id: UUID | None = None,
    ) -> CandidateEvent:
        row = HiringEventRow(
            id=uuid4(),
            candidate_id=candidate.id,
            account_id=candidate.account_id,
            kind=kind.value,
            stage=None if stage is None else stage.value,
            actor_id=actor_id,
            created_at=now,
        )
        key = await self._keys.for_account(candidate.account_id)
        EVENTS.apply(self._crypto, key, row, {"note": note})
        self._session.add(row)
        await self._session.flush()
        return EVENTS.decode(self._crypto, key, row)

    async def timeline(self, candidate: Candidate) -> list[CandidateEvent]:
        """The candidate's timeline, oldest first."""
        rows = (
            await self._session.scalars(
                select(HiringEventRow)
                .where(HiringEventRow.candidate_id == candidate.id)
                .order_by(HiringEventRow.created_at, HiringEventRow.id)
            )
        ).all()
        key = await self._keys.for_account(candidate.account_id)
        return [EVENTS.decode(self._crypto, key, row) for row in rows]

    # --- the candidate's own copy ----------------------------------------------------------------------------
    async def export(self, account_id: UUID) -> dict[str, Any]:
        """What the person gave when applying, where each application stands and its timeline, the managers'
        notes included (for /mydata)."""
        rows = (
            await self._session.scalars(
                select(HiringCandidateRow)
                .where(HiringCandidateRow.account_id == account_id)
                .order_by(HiringCandidateRow.applied_at)
            )
        ).all()
        if not rows:
            return {"job_applications": []}
        key = await self._keys.for_account(account_id)
        applications = []
        for row in rows:
            candidate = CANDIDATES.decode(self._crypto, key, row)
            position = await self.position(candidate.position_id)
            applications.append(
                {
                    "position": None if position is None else position.title,
                    "stage": candidate.stage,
                    "name": candidate.name,
                    "phone": candidate.phone,
                    "experience": candidate.experience,
                    "motivation": candidate.motivation,
                    "applied_at": candidate.applied_at.isoformat(),
                    "stage_changed_at": candidate.stage_changed_at.isoformat(),
                    "timeline": [
                        {"kind": e.kind, "stage": e.stage, "note": e.note, "at": e.created_at.isoformat()}
                        for e in await self.timeline(candidate)
                    ],
                }
            )
        return {"job_applications": applications}
