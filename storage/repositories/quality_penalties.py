"""Staff penalties (staff_penalties): the reason and the one appeal sealed under the penalised member's key;
a fine's amount in the currency's minor units. Changes are conditional UPDATEs: an appeal is taken once, a
decision is made once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, select, update

from domain.quality import AppealDecision, PenaltyKind
from storage.models.quality import StaffPenaltyRow
from storage.repositories.base import Repository, RepositoryContext
from storage.sealing import RecordSpec
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class StaffPenalty:
    id: UUID
    staff_id: UUID
    kind: str
    reason: str
    complaint_id: UUID | None
    audit_id: UUID | None
    amount_minor: int | None
    currency: str | None
    ledger_entry_id: int | None
    issued_by: UUID | None
    created_at: datetime
    appeal: str | None
    appealed_at: datetime | None
    appeal_decision: str | None
    decided_at: datetime | None
    decided_by: UUID | None


PENALTIES = RecordSpec(StaffPenaltyRow, StaffPenalty, row_id="id")


class PenaltiesRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> PenaltiesRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def add(
        self,
        staff_id: UUID,
        kind: PenaltyKind,
        reason: str,
        *,
        issued_by: UUID | None,
        now: datetime,
        complaint_id: UUID | None = None,
        audit_id: UUID | None = None,
        amount_minor: int | None = None,
        currency: str | None = None,
        ledger_entry_id: int | None = None,
    ) -> StaffPenalty:
        row = StaffPenaltyRow(
            id=uuid4(),
            staff_id=staff_id,
            kind=kind.value,
            complaint_id=complaint_id,
            audit_id=audit_id,
            amount_minor=amount_minor,
            currency=currency,
            ledger_entry_id=ledger_entry_id,
            issued_by=issued_by,
            created_at=now,
        )
        key = await self._keys.for_account(staff_id)
        PENALTIES.apply(self._crypto, key, row, {"reason": reason})
        self._session.add(row)
        await self._session.flush()
        return PENALTIES.decode(self._crypto, key, row)

    async def get(self, penalty_id: UUID) -> StaffPenalty | None:
        row = await self._session.get(StaffPenaltyRow, penalty_id, populate_existing=True)
        if row is None:
            return None
        return PENALTIES.decode(self._crypto, await self._keys.for_account(row.staff_id), row)

    async def list_for(self, staff_id: UUID) -> list[StaffPenalty]:
        """The member's penalties, the newest first."""
        rows = (
            await self._session.scalars(
                select(StaffPenaltyRow)
                .where(StaffPenaltyRow.staff_id == staff_id)
                .order_by(StaffPenaltyRow.created_at.desc(), StaffPenaltyRow.id)
                .execution_options(populate_existing=True)
            )
        ).all()
        if not rows:
            return []
        key = await self._keys.for_account(staff_id)
        return [PENALTIES.decode(self._crypto, key, row) for row in rows]

    async def appeal(self, penalty_id: UUID, staff_id: UUID, text: str, *, now: datetime) -> bool:
        """The member's one appeal; False when it is not theirs or they appealed already."""
        sealed = PENALTIES.seal_column(self._crypto, await self._keys.for_account(staff_id), "appeal", penalty_id, text)
        return await self._change(
            penalty_id,
            [StaffPenaltyRow.staff_id == staff_id, StaffPenaltyRow.appealed_at.is_(None)],
            appeal=sealed,
            appealed_at=now,
        )

    async def decide(self, penalty_id: UUID, decision: AppealDecision, *, by: UUID | None, now: datetime) -> bool:
        """Keep or lift an appealed penalty, once."""
        return await self._change(
            penalty_id,
            [StaffPenaltyRow.appealed_at.is_not(None), StaffPenaltyRow.appeal_decision.is_(None)],
            appeal_decision=decision.value,
            decided_at=now,
            decided_by=by,
        )

    async def lift(self, penalty_id: UUID, *, by: UUID | None, now: datetime) -> bool:
        """Lift a penalty nobody decided on yet, appealed or not (a manager's own decision), once."""
        return await self._change(
            penalty_id,
            [StaffPenaltyRow.appeal_decision.is_(None)],
            appeal_decision=AppealDecision.LIFTED.value,
            decided_at=now,
            decided_by=by,
        )

    async def _change(self, penalty_id: UUID, conditions: list[ColumnElement[bool]], **values: Any) -> bool:
        statement = update(StaffPenaltyRow).where(StaffPenaltyRow.id == penalty_id, *conditions).values(**values)
        return await self._execute_dml(statement.execution_options(synchronize_session=False)) > 0
