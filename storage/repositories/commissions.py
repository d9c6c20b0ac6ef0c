"""Commissions: the rule table (appended, never changed), the events that earn a commission (read from
payments, introductions and stage changes) and the monthly statements with their lines.

A statement is approved by `UPDATE ... WHERE state = 'draft'`: of two managers approving at once (or one
pressing twice), one changes the row and the other changes nothing, so only one of them books the ledger entry;
`record_entry` sets the entry once (`WHERE ledger_entry_id IS NULL`, and the column is unique).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from uuid import UUID, uuid4

from sqlalchemy import CursorResult, delete, insert, select, update

from domain.personnel.commissions import CommissionEvent, Line, Outcome, Rule, StatementState
from domain.pipeline import Stage
from storage.models.casework import ClientAssignmentRow
from storage.models.commissions import CommissionLineRow, CommissionRuleRow, CommissionStatementRow
from storage.models.matching import CaseStageRow, IntroductionRow
from storage.models.membership import MembershipRow, PaymentRow
from storage.repositories.base import Repository, RepositoryContext
from storage.unit_of_work import UnitOfWork

BASIC_TIER = "basic"  # a client without a paid membership at the time


@dataclass(frozen=True)
class RuleChange:
    """One row of the rule history: who set which amount from when."""

    rule: Rule
    set_by: UUID | None


@dataclass(frozen=True)
class Statement:
    id: UUID
    counselor_id: UUID
    month: date
    currency: str
    total_minor: int
    state: StatementState
    drawn_at: datetime
    approved_at: datetime | None
    approved_by: UUID | None
    ledger_entry_id: int | None


@dataclass(frozen=True)
class StatementLine:
    outcome: Outcome
    tier: str
    event_id: UUID
    client_id: UUID
    occurred_at: datetime
    amount_minor: int
    rule_id: int


def _rule(row: CommissionRuleRow) -> Rule:
    return Rule(row.id, Outcome(row.outcome), row.tier, row.currency, row.amount_minor, row.valid_from)


def _statement(row: CommissionStatementRow) -> Statement:
    return Statement(
        row.id,
        row.counselor_id,
        row.month,
        row.currency,
        row.total_minor,
        StatementState(row.state),
        row.drawn_at,
        row.approved_at,
        row.approved_by,
        row.ledger_entry_id,
    )


def _line(row: CommissionLineRow) -> StatementLine:
    return StatementLine(
        Outcome(row.outcome), row.tier, row.event_id, row.client_id, row.occurred_at, row.amount_minor, row.rule_id
    )


class CommissionsRepository(Repository):
    @classmethod
    def of(cls, uow: UnitOfWork) -> CommissionsRepository:
        return cls(RepositoryContext(uow.session, uow.keys, uow.context.crypto))

    # --- the rules ---------------------------------------------------------------------------------------------
    async def rules(self, currency: str) -> list[Rule]:
        query = select(CommissionRuleRow).where(CommissionRuleRow.currency == currency).order_by(CommissionRuleRow.id)
        return [_rule(row) for row in (await self._session.scalars(query)).all()]

    async def history(self, currency: str, *, limit: int) -> list[RuleChange]:
        """The newest changes first."""
        query = (
            select(CommissionRuleRow)
            .where(CommissionRuleRow.currency == currency)
            .order_by(CommissionRuleRow.valid_from.desc(), CommissionRuleRow.id.desc())
            .limit(limit)
        )
        return [RuleChange(_rule(row), row.set_by) for row in (await self._session.scalars(query)).all()]

    async def add_rule(
        self,
        outcome: Outcome,
        tier: str,
        *,
        currency: str,
        amount_minor: int,
        valid_from: datetime,
        set_by: UUID | None,
    ) -> Rule:
        if amount_minor < 0:
            raise ValueError("a commission is not negative")
        row = CommissionRuleRow(
            outcome=outcome.value,
            tier=tier,
            currency=currency,
            amount_minor=amount_minor,
            valid_from=valid_from,
            set_by=set_by,
        )
        self._session.add(row)
        await self._session.flush()
        return _rule(row)

    # --- the events --------------------------------------------------------------------------------------------
    async def events(self, start: datetime, end: datetime) -> list[CommissionEvent]:
        """Every event in [start, end) credited to the counselor the client is assigned to now."""
        return [
            *await self._payments(start, end),
            *await self._introductions(start, end),
            *await self._dating(start, end),
        ]

    async def _payments(self, start: datetime, end: datetime) -> list[CommissionEvent]:
        """Payments for a membership, except those refunded in full."""
        query = (
            select(
                PaymentRow.id,
                PaymentRow.client_id,
                ClientAssignmentRow.counselor_id,
                PaymentRow.tier,
                PaymentRow.paid_at,
            )
            .join(ClientAssignmentRow, ClientAssignmentRow.client_id == PaymentRow.client_id)
            .where(
                PaymentRow.paid_at >= start,
                PaymentRow.paid_at < end,
                PaymentRow.refunded_minor < PaymentRow.amount_minor,
            )
        )
        rows = (await self._session.execute(query)).all()
        return [CommissionEvent(Outcome.PAID_MEMBERSHIP, *row) for row in rows]

    async def _tier_at(self, client_ids: set[UUID]) -> dict[UUID, MembershipRow]:
        if not client_ids:
            return {}
        rows = await self._session.scalars(select(MembershipRow).where(MembershipRow.client_id.in_(client_ids)))
        return {row.client_id: row for row in rows.all()}

    @staticmethod
    def _tier(memberships: dict[UUID, MembershipRow], client_id: UUID, at: datetime) -> str:
        row = memberships.get(client_id)
        if row is None or not row.started_at <= at < row.expires_at:
            return BASIC_TIER
        return row.tier

    async def _introductions(self, start: datetime, end: datetime) -> list[CommissionEvent]:
        """Each side of an introduction made in the period, credited to that side's counselor."""
        found: list[tuple[UUID, UUID, UUID, datetime]] = []
        for side in (IntroductionRow.first_id, IntroductionRow.second_id):
            query = (
                select(IntroductionRow.id, side, ClientAssignmentRow.counselor_id, IntroductionRow.created_at)
                .join(ClientAssignmentRow, ClientAssignmentRow.client_id == side)
                .where(IntroductionRow.created_at >= start, IntroductionRow.created_at < end)
            )
            found += [
                cast(tuple[UUID, UUID, UUID, datetime], tuple(row))
                for row in (await self._session.execute(query)).all()
            ]
        memberships = await self._tier_at({client for _id, client, _c, _at in found})
        return [
            CommissionEvent(Outcome.INTRODUCTION, event, client, counselor, self._tier(memberships, client, at), at)
            for event, client, counselor, at in found
        ]

    async def _dating(self, start: datetime, end: datetime) -> list[CommissionEvent]:
        """A client's case reaching "dating" in the period for the first time ever."""
        in_period = select(CaseStageRow.account_id).where(
            CaseStageRow.stage == Stage.DATING.value, CaseStageRow.changed_at >= start, CaseStageRow.changed_at < end
        )
        query = (
            select(CaseStageRow.id, CaseStageRow.account_id, ClientAssignmentRow.counselor_id, CaseStageRow.changed_at)
            .join(ClientAssignmentRow, ClientAssignmentRow.client_id == CaseStageRow.account_id)
            .where(CaseStageRow.stage == Stage.DATING.value, CaseStageRow.account_id.in_(in_period))
            .order_by(CaseStageRow.changed_at, CaseStageRow.id)
        )
        first: dict[UUID, tuple[UUID, UUID, UUID, datetime]] = {}
        for row in (await self._session.execute(query)).all():
            event, client, counselor, at = cast(tuple[UUID, UUID, UUID, datetime], tuple(row))
            first.setdefault(client, (event, client, counselor, at))
        rows = [found for found in first.values() if start <= found[3] < end]
        memberships = await self._tier_at({client for _id, client, _c, _at in rows})
        return [
            CommissionEvent(Outcome.DATING, event, client, counselor, self._tier(memberships, client, at), at)
            for event, client, counselor, at in rows
        ]

    # --- the statements ----------------------------------------------------------------------------------------
    async def get(self, statement_id: UUID | None) -> Statement | None:
        if statement_id is None:
            return None
        row = await self._session.get(CommissionStatementRow, statement_id, populate_existing=True)
        return None if row is None else _statement(row)

    async def statements(self, month: date, currency: str) -> list[Statement]:
        query = (
            select(CommissionStatementRow)
            .where(CommissionStatementRow.month == month, CommissionStatementRow.currency == currency)
            .order_by(CommissionStatementRow.total_minor.desc(), CommissionStatementRow.counselor_id)
        )
        return [_statement(row) for row in (await self._session.scalars(query)).all()]

    async def statements_of(self, counselor_id: UUID, *, limit: int) -> list[Statement]:
        query = (
            select(CommissionStatementRow)
            .where(CommissionStatementRow.counselor_id == counselor_id)
            .order_by(CommissionStatementRow.month.desc())
            .limit(limit)
        )
        return [_statement(row) for row in (await self._session.scalars(query)).all()]

    async def lines(self, statement_id: UUID) -> list[StatementLine]:
        query = (
            select(CommissionLineRow)
            .where(CommissionLineRow.statement_id == statement_id)
            .order_by(CommissionLineRow.occurred_at, CommissionLineRow.outcome, CommissionLineRow.event_id)
        )
        return [_line(row) for row in (await self._session.scalars(query)).all()]

    async def redraw(
        self, month: date, currency: str, lines: dict[UUID, list[Line]], *, now: datetime
    ) -> list[Statement]:
        """The month's drafts drawn up again from `lines` (per counselor): a draft keeps its id, a draft with no
        line left goes, an approved statement is never touched (nor are the events it paid). The month's rows are
        locked first, so an approval never lands in the middle of a redrawing."""
        existing = {
            row.counselor_id: row
            for row in (
                await self._session.scalars(
                    select(CommissionStatementRow)
                    .where(CommissionStatementRow.month == month, CommissionStatementRow.currency == currency)
                    .with_for_update()  # an approval waits for the redrawing (PostgreSQL; SQLite writes one at a time)
                )
            ).all()
        }
        drafts = [row.id for row in existing.values() if row.state == StatementState.DRAFT.value]
        if drafts:
            await self._session.execute(delete(CommissionLineRow).where(CommissionLineRow.statement_id.in_(drafts)))
        paid = await self._paid_events()
        for counselor_id, held in existing.items():
            if held.state == StatementState.DRAFT.value and counselor_id not in lines:
                await self._session.delete(held)
        drawn: list[Statement] = []
        for counselor_id, counselor_lines in lines.items():
            row = existing.get(counselor_id)
            if row is not None and row.state != StatementState.DRAFT.value:
                continue
            fresh = [line for line in counselor_lines if _event_key(line) not in paid]
            if not fresh:
                if row is not None:
                    await self._session.delete(row)
                continue
            if row is None:
                row = CommissionStatementRow(
                    id=uuid4(), counselor_id=counselor_id, month=month, currency=currency, state="draft"
                )
                self._session.add(row)
            row.total_minor = sum(line.amount_minor for line in fresh)
            row.drawn_at = now
            await self._session.flush()
            await self._session.execute(  # one executemany: a month may hold tens of thousands of lines
                insert(CommissionLineRow),
                [
                    {
                        "id": uuid4(),
                        "statement_id": row.id,
                        "outcome": line.event.outcome.value,
                        "tier": line.event.tier,
                        "event_id": line.event.event_id,
                        "client_id": line.event.client_id,
                        "occurred_at": line.event.occurred_at,
                        "amount_minor": line.amount_minor,
                        "rule_id": line.rule_id,
                    }
                    for line in fresh
                ],
            )
            drawn.append(_statement(row))
        return drawn

    async def _paid_events(self) -> set[tuple[str, UUID, UUID]]:
        """The events on approved statements (drafts' lines were just removed)."""
        query = select(CommissionLineRow.outcome, CommissionLineRow.event_id, CommissionLineRow.client_id)
        return {(outcome, event, client) for outcome, event, client in (await self._session.execute(query)).all()}

    async def approve(self, statement_id: UUID, *, by: UUID, now: datetime) -> bool:
        """Approve a draft; False when it is not (any more) a draft: someone else approved it first."""
        result = await self._session.execute(
            update(CommissionStatementRow)
            .where(
                CommissionStatementRow.id == statement_id, CommissionStatementRow.state == StatementState.DRAFT.value
            )
            .values(state=StatementState.APPROVED.value, approved_at=now, approved_by=by)
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount == 1

    async def record_entry(self, statement_id: UUID, entry_id: int) -> bool:
        result = await self._session.execute(
            update(CommissionStatementRow)
            .where(CommissionStatementRow.id == statement_id, CommissionStatementRow.ledger_entry_id.is_(None))
            .values(ledger_entry_id=entry_id)
            .execution_options(synchronize_session=False)
        )
        return cast(CursorResult[Any], result).rowcount == 1


def _event_key(line: Line) -> tuple[str, UUID, UUID]:
    return (line.event.outcome.value, line.event.event_id, line.event.client_id)
