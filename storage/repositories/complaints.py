"""Complaint cases and their timelines (complaints, complaint_events). What the client wrote, and timeline
notes, are sealed under the client's key; they read as None once that key was destroyed.

Every state change is one conditional UPDATE, so two staff members acting on one case at once cannot both
succeed: the second finds the case already changed and is told so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, func, select, update

from domain.quality import CaseState, Category, EventKind, Outcome, Owner, Severity, Source, deadlines
from storage.models.quality import ComplaintEventRow, ComplaintRow
from storage.repositories.base import Repository, RepositoryContext
from storage.sealing import RecordSpec
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Complaint:
    id: UUID
    client_id: UUID
    source: str
    category: str
    severity: str
    owner: str
    state: str
    about_id: UUID | None
    ref_id: UUID | None
    text: str | None
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    responded_at: datetime | None
    resolved_at: datetime | None
    escalation_level: int
    handler_id: UUID | None
    outcome: str | None
    satisfied: bool | None


@dataclass(frozen=True)
class ComplaintEvent:
    id: UUID
    complaint_id: UUID
    client_id: UUID
    kind: str
    actor_id: UUID | None
    note: str | None
    created_at: datetime


COMPLAINTS = RecordSpec(ComplaintRow, Complaint, row_id="id")
EVENTS = RecordSpec(ComplaintEventRow, ComplaintEvent, row_id="id")
UNRESOLVED = ComplaintRow.state != CaseState.RESOLVED.value


class ComplaintsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> ComplaintsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    async def open(
        self,
        client_id: UUID,
        *,
        source: Source,
        category: Category,
        severity: Severity,
        owner: Owner,
        now: datetime,
        text: str | None = None,
        about_id: UUID | None = None,
        ref_id: UUID | None = None,
    ) -> Complaint:
        """A new case, open, with its SLA deadlines and the first line of its timeline."""
        due = deadlines(severity, now)
        row = ComplaintRow(
            id=uuid4(),
            client_id=client_id,
            source=source.value,
            category=category.value,
            severity=severity.code,
            owner=owner.value,
            state=CaseState.OPEN.value,
            about_id=about_id,
            ref_id=ref_id,
            created_at=now,
            first_response_due=due.first_response,
            resolution_due=due.resolution,
            escalation_level=0,
        )
        key = await self._keys.for_account(client_id)
        COMPLAINTS.apply(self._crypto, key, row, {"text": text})
        self._session.add(row)
        await self._session.flush()
        await self.add_event(row.id, client_id, EventKind.OPENED, now=now)
        return COMPLAINTS.decode(self._crypto, key, row)

    async def get(self, complaint_id: UUID) -> Complaint | None:
        row = await self._session.get(ComplaintRow, complaint_id, populate_existing=True)
        return None if row is None else await self._record(row)

    async def by_ref(self, ref_id: UUID) -> Complaint | None:
        """The case opened from a report, date feedback or handoff (so a source opens one case only)."""
        row = await self._session.scalar(
            select(ComplaintRow).where(ComplaintRow.ref_id == ref_id).order_by(ComplaintRow.created_at).limit(1)
        )
        return None if row is None else await self._record(row)

    async def by_reference(self, reference: str) -> Complaint | None:
        """The case whose id starts with `reference` (the hex digits people see), if exactly one does."""
        text = reference.strip().lower()
        if not 4 <= len(text) <= 32 or any(c not in "0123456789abcdef" for c in text):
            return None
        low, high = UUID(hex=text.ljust(32, "0")), UUID(hex=text.ljust(32, "f"))
        rows = (
            await self._session.scalars(select(ComplaintRow).where(ComplaintRow.id.between(low, high)).limit(2))
        ).all()
        return await self._record(rows[0]) if len(rows) == 1 else None

    async def list_open(self, *, owners: tuple[Owner, ...] = tuple(Owner), limit: int = 20) -> list[Complaint]:
        """Unresolved cases of the given owners, the oldest first."""
        return await self._list(UNRESOLVED, ComplaintRow.owner.in_([owner.value for owner in owners]), limit=limit)

    async def count_open(self, *, owners: tuple[Owner, ...] = tuple(Owner)) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(ComplaintRow)
            .where(UNRESOLVED, ComplaintRow.owner.in_([owner.value for owner in owners]))
        )
        return int(count or 0)

    async def unresolved(self) -> list[Complaint]:
        """Every unresolved case (the SLA check), the oldest first."""
        return await self._list(UNRESOLVED, limit=None)

    async def list_by(self, client_id: UUID) -> list[Complaint]:
        """The client's own cases (their export)."""
        return await self._list(ComplaintRow.client_id == client_id, limit=None)

    async def count_open_about(self, about_id: UUID) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(ComplaintRow).where(UNRESOLVED, ComplaintRow.about_id == about_id)
        )
        return int(count or 0)

    async def count_about_since(self, about_id: UUID, since: datetime) -> int:
        """Cases about `about_id` opened at or after `since`, resolved or not (repeated reports raise priority)."""
        count = await self._session.scalar(
            select(func.count())
            .select_from(ComplaintRow)
            .where(ComplaintRow.about_id == about_id, ComplaintRow.created_at >= since)
        )
        return int(count or 0)

    async def take(self, complaint_id: UUID, handler_id: UUID | None, *, now: datetime) -> bool:
        """The first response: an open case becomes the handler's. False when someone took it already."""
        changed = await self._change(
            complaint_id,
            [ComplaintRow.state == CaseState.OPEN.value],
            state=CaseState.IN_PROGRESS.value,
            responded_at=now,
            handler_id=handler_id,
        )
        if changed:
            await self._event(complaint_id, EventKind.RESPONDED, handler_id, now)
        return changed

    async def resolve(self, complaint_id: UUID, handler_id: UUID | None, outcome: Outcome, *, now: datetime) -> bool:
        """Close a taken case with its outcome. False when it was resolved meanwhile (or never taken)."""
        changed = await self._change(
            complaint_id,
            [ComplaintRow.state == CaseState.IN_PROGRESS.value],
            state=CaseState.RESOLVED.value,
            resolved_at=now,
            outcome=outcome.value,
        )
        if changed:
            await self._event(complaint_id, EventKind.RESOLVED, handler_id, now)
        return changed

    async def answer_satisfaction(self, complaint_id: UUID, client_id: UUID, satisfied: bool, *, now: datetime) -> bool:
        """The client's answer to "satisfied with how we handled it?", once, for their resolved case."""
        changed = await self._change(
            complaint_id,
            [
                ComplaintRow.client_id == client_id,
                ComplaintRow.state == CaseState.RESOLVED.value,
                ComplaintRow.satisfied.is_(None),
            ],
            satisfied=satisfied,
        )
        if changed:
            kind = EventKind.SATISFIED if satisfied else EventKind.UNSATISFIED
            await self._event(complaint_id, kind, client_id, now)
        return changed

    async def reclassify(
        self, complaint_id: UUID, *, category: Category, severity: Severity, owner: Owner, about_id: UUID | None
    ) -> bool:
        """Change what a case is about (and so its owner, severity and SLA deadlines from when it was opened)
        while nobody has taken it; False once it was taken."""
        created_at = await self._session.scalar(select(ComplaintRow.created_at).where(ComplaintRow.id == complaint_id))
        if created_at is None:
            return False
        due = deadlines(severity, created_at)
        return await self._change(
            complaint_id,
            [ComplaintRow.state == CaseState.OPEN.value],
            category=category.value,
            severity=severity.code,
            owner=owner.value,
            about_id=about_id,
            first_response_due=due.first_response,
            resolution_due=due.resolution,
        )

    async def escalate(self, complaint_id: UUID, level: int, *, now: datetime) -> bool:
        """Record an escalation to `level` (once per level); False when it was escalated that far already."""
        changed = await self._change(
            complaint_id, [UNRESOLVED, ComplaintRow.escalation_level < level], escalation_level=level
        )
        if changed:
            await self._event(complaint_id, EventKind.ESCALATED, None, now)
        return changed

    async def timeline(self, complaint_id: UUID) -> list[ComplaintEvent]:
        rows = (
            await self._session.scalars(
                select(ComplaintEventRow)
                .where(ComplaintEventRow.complaint_id == complaint_id)
                .order_by(ComplaintEventRow.created_at, ComplaintEventRow.id)
            )
        ).all()
        if not rows:
            return []
        key = await self._keys.usable_key(rows[0].client_id)
        return [EVENTS.decode(self._crypto, key, row, **({"note": None} if key is None else {})) for row in rows]

    async def add_event(
        self,
        complaint_id: UUID,
        client_id: UUID,
        kind: EventKind,
        *,
        now: datetime,
        actor_id: UUID | None = None,
        note: str | None = None,
    ) -> None:
        row = ComplaintEventRow(
            id=uuid4(),
            complaint_id=complaint_id,
            client_id=client_id,
            kind=kind.value,
            actor_id=actor_id,
            created_at=now,
        )
        if note is not None:
            EVENTS.apply(self._crypto, await self._keys.for_account(client_id), row, {"note": note})
        self._session.add(row)
        await self._session.flush()

    # --- inside ---------------------------------------------------------------------------------------------
    async def _event(self, complaint_id: UUID, kind: EventKind, actor_id: UUID | None, now: datetime) -> None:
        client_id = await self._session.scalar(select(ComplaintRow.client_id).where(ComplaintRow.id == complaint_id))
        assert client_id is not None
        await self.add_event(complaint_id, client_id, kind, now=now, actor_id=actor_id)

    async def _change(self, complaint_id: UUID, conditions: list[ColumnElement[bool]], **values: Any) -> bool:
        statement = update(ComplaintRow).where(ComplaintRow.id == complaint_id, *conditions).values(**values)
        return await self._execute_dml(statement.execution_options(synchronize_session=False)) > 0

    async def _list(self, *conditions: ColumnElement[bool], limit: int | None) -> list[Complaint]:
        rows = (
            await self._session.scalars(
                select(ComplaintRow)
                .where(*conditions)
                .order_by(ComplaintRow.created_at, ComplaintRow.id)
                .limit(limit)
                .execution_options(populate_existing=True)
            )
        ).all()
        await self._keys.preload({row.client_id for row in rows if row.text is not None})
        return [await self._record(row) for row in rows]

    async def _record(self, row: ComplaintRow) -> Complaint:
        key = None if row.text is None else await self._keys.usable_key(row.client_id)
        if row.text is not None and key is None:
            return COMPLAINTS.decode(self._crypto, None, row, text=None)
        return COMPLAINTS.decode(self._crypto, key, row)
