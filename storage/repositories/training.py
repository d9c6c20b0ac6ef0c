"""Training attempts (training_attempts): a quiz started, answered one question at a time (each answer a
conditional UPDATE, so a repeated or stale press changes nothing), finished once; and what each member passed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import func, select, update

from domain.personnel.training import Passed, Record
from storage.models.training import TrainingAttemptRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Attempt:
    id: UUID
    account_id: UUID
    module: str
    version: int
    answers: str  # one digit per answered question
    started_at: datetime
    finished_at: datetime | None
    correct: int | None
    passed: bool


def _attempt(row: TrainingAttemptRow) -> Attempt:
    return Attempt(
        id=row.id,
        account_id=row.account_id,
        module=row.module,
        version=row.version,
        answers=row.answers,
        started_at=row.started_at,
        finished_at=row.finished_at,
        correct=row.correct,
        passed=row.passed,
    )


class TrainingRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> TrainingRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def start(self, account_id: UUID, module: str, version: int, *, now: datetime) -> Attempt:
        row = TrainingAttemptRow(
            id=uuid4(), account_id=account_id, module=module, version=version, answers="", started_at=now, passed=False
        )
        self._session.add(row)
        await self._session.flush()
        return _attempt(row)

    async def get(self, attempt_id: UUID) -> Attempt | None:
        row = await self._session.get(TrainingAttemptRow, attempt_id, populate_existing=True)
        return None if row is None else _attempt(row)

    async def answer(self, attempt: Attempt, answer: int) -> Attempt | None:
        """Add the answer to the next question of an unfinished attempt; None when the attempt moved on since
        (`attempt` is what the caller read)."""
        answers = attempt.answers + str(answer)
        touched = await self._execute_dml(
            update(TrainingAttemptRow)
            .where(
                TrainingAttemptRow.id == attempt.id,
                TrainingAttemptRow.answers == attempt.answers,
                TrainingAttemptRow.finished_at.is_(None),
            )
            .values(answers=answers)
        )
        return None if touched == 0 else await self.get(attempt.id)

    async def finish(self, attempt_id: UUID, *, correct: int, passed: bool, now: datetime) -> bool:
        """Close the attempt with its score, once; False when it was closed already."""
        touched = await self._execute_dml(
            update(TrainingAttemptRow)
            .where(TrainingAttemptRow.id == attempt_id, TrainingAttemptRow.finished_at.is_(None))
            .values(finished_at=now, correct=correct, passed=passed)
        )
        return touched == 1

    async def record_pass(
        self, account_id: UUID, module: str, version: int, *, now: datetime, correct: int | None
    ) -> Attempt:
        """A pass recorded whole (an import, a member's earlier acknowledgement)."""
        row = TrainingAttemptRow(
            id=uuid4(),
            account_id=account_id,
            module=module,
            version=version,
            answers="",
            started_at=now,
            finished_at=now,
            correct=correct,
            passed=True,
        )
        self._session.add(row)
        await self._session.flush()
        return _attempt(row)

    async def records(self, account_ids: Iterable[UUID] | None = None) -> dict[UUID, Record]:
        """What each member passed (every member with a pass when `account_ids` is None)."""
        query = (
            select(
                TrainingAttemptRow.account_id,
                TrainingAttemptRow.module,
                func.max(TrainingAttemptRow.version),
                func.min(TrainingAttemptRow.finished_at),
            )
            .where(TrainingAttemptRow.passed.is_(True))
            .group_by(TrainingAttemptRow.account_id, TrainingAttemptRow.module)
        )
        if account_ids is not None:
            ids = list(account_ids)
            if not ids:
                return {}
            query = query.where(TrainingAttemptRow.account_id.in_(ids))
        passed: dict[UUID, dict[str, Passed]] = {}
        for account_id, module, version, first in (await self._session.execute(query)).all():
            if first is None:  # a pass is always finished; a NULL could only be a hand-made row
                continue
            passed.setdefault(account_id, {})[module] = Passed(version=version, at=first)
        return {account_id: Record(modules) for account_id, modules in passed.items()}

    async def record_of(self, account_id: UUID) -> Record:
        return (await self.records([account_id])).get(account_id, Record({}))
