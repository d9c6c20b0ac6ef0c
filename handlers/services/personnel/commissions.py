"""Commissions (docs/commissions.md): the owner's rule table, monthly statements per counselor drawn up from
the recorded events (by the monthly job or on demand), a manager's approval, and the ledger entry it books.

Approval is once: the conditional UPDATE of `CommissionsRepository.approve` lets one approver through; only that
one writes the ledger entry (an expense in COMMISSIONS, source COMMISSION), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import I18n

from domain.clock import Clock
from domain.finance.accounts import Category, Source
from domain.membership.money import from_minor, to_minor
from domain.personnel.commissions import (
    Outcome,
    Rule,
    StatementState,
    bookable_on,
    current_rules,
    month_bounds,
    month_code,
    next_statement_run_at,
    parse_month_code,
    previous_month,
    statement_lines,
)
from domain.staff import Permission, ensure
from handlers.services.feature import FeatureService
from handlers.services.job_registry import JobRegistry
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor
from handlers.views import commissions as views
from storage.records import StaffMember
from storage.repositories.commissions import CommissionsRepository, RuleChange, Statement, StatementLine
from storage.repositories.delivery import schedule
from storage.repositories.finance import FinanceRepository
from storage.unit_of_work import UnitOfWork

RULE_SET_ACTION = "commission.rule_set"
APPROVED_ACTION = "commission.approved"
HISTORY_SIZE = 15
OWN_STATEMENTS = 6


class Approval(StrEnum):
    APPROVED = "approved"
    ALREADY = "already"  # approved before (by someone else, or an earlier press)
    NOT_ENDED = "not_ended"  # the month is not over yet
    MISSING = "missing"  # no such statement (drawn up again meanwhile)


@dataclass(frozen=True)
class Approved:
    outcome: Approval
    statement: Statement | None = None


@dataclass(frozen=True)
class StatementView:
    statement: Statement
    counselor: StaffMember | None
    lines: list[StatementLine]


def amount(minor: int, currency: str) -> Decimal:
    return from_minor(minor, currency)


@dataclass
class CommissionDesk(FeatureService):
    @property
    def _repository(self) -> CommissionsRepository:
        return CommissionsRepository.of(self.uow)

    @property
    def currency(self) -> str:
        return self.settings.currency

    # --- the rules (owners) ------------------------------------------------------------------------------------
    async def rule_table(self) -> dict[tuple[Outcome, str], Rule]:
        return current_rules(await self._repository.rules(self.currency), self.currency, self.now())

    async def history(self) -> list[RuleChange]:
        return await self._repository.history(self.currency, limit=HISTORY_SIZE)

    async def set_rule(self, actor: Actor, outcome: Outcome, tier: str, value: Decimal) -> Rule:
        """A new amount for the outcome and tier from now on (the old one stays in the history); raises
        PermissionDenied without SET_COMMISSIONS."""
        ensure(actor.role, Permission.SET_COMMISSIONS)
        rule = await self._repository.add_rule(
            outcome,
            tier,
            currency=self.currency,
            amount_minor=to_minor(value, self.currency),
            valid_from=self.now(),
            set_by=actor.account_id,
        )
        await self.uow.audit.record(action=RULE_SET_ACTION, now=self.now(), actor_account_id=actor.account_id)
        return rule

    # --- the statements ----------------------------------------------------------------------------------------
    async def draw_up(self, month: date) -> list[Statement]:
        """The month's statements drawn up (again) from the events; approved ones stay as they are."""
        start, end = month_bounds(month, self.zone)
        events = await self._repository.events(start, end)
        rules = await self._repository.rules(self.currency)
        lines = statement_lines(events, rules, self.currency)
        return await self._repository.redraw(month, self.currency, lines, now=self.now())

    async def month(self, month: date) -> list[tuple[Statement, StaffMember | None]]:
        statements = await self._repository.statements(month, self.currency)
        return [(s, await self.uow.staff.get(s.counselor_id)) for s in statements]

    async def statement(self, statement_id: UUID | None) -> StatementView | None:
        statement = await self._repository.get(statement_id)
        if statement is None:
            return None
        lines = await self._repository.lines(statement.id)
        return StatementView(statement, await self.uow.staff.get(statement.counselor_id), lines)

    async def own(self, actor: Actor) -> list[StatementView]:
        """The member's newest statements, with their lines."""
        if actor.account_id is None:
            return []
        found = await self._repository.statements_of(actor.account_id, limit=OWN_STATEMENTS)
        return [StatementView(s, actor.member, await self._repository.lines(s.id)) for s in found]

    async def approve(self, actor: Actor, statement_id: UUID | None, *, by: UUID) -> Approved:
        """Approve a draft of an ended month and book it in the ledger, once (`by`: the approver's account);
        raises PermissionDenied without APPROVE_COMMISSIONS."""
        ensure(actor.role, Permission.APPROVE_COMMISSIONS)
        statement = await self._repository.get(statement_id)
        if statement is None:
            return Approved(Approval.MISSING)
        if statement.state is not StatementState.DRAFT:
            return Approved(Approval.ALREADY, statement)
        _start, end = month_bounds(statement.month, self.zone)
        if self.now() < end:
            return Approved(Approval.NOT_ENDED, statement)
        if not await self._repository.approve(statement.id, by=by, now=self.now()):
            return Approved(Approval.ALREADY, await self._repository.get(statement.id))
        if statement.total_minor > 0:
            finance = FinanceRepository.of(self.uow)
            closed = await finance.last_closed(self.currency)
            entry = await finance.add_expense(
                currency=self.currency,
                amount_minor=statement.total_minor,
                category=Category.COMMISSIONS,
                booked_on=bookable_on(statement.month, None if closed is None else closed.month, self.today()),
                made_by=by,
                now=self.now(),
                source=Source.COMMISSION,
            )
            await self._repository.record_entry(statement.id, entry.id)
        await self.uow.audit.record(
            action=APPROVED_ACTION, now=self.now(), actor_account_id=by, subject_account_id=statement.counselor_id
        )
        approved = await self._repository.get(statement.id)
        assert approved is not None
        total = amount(approved.total_minor, approved.currency)
        await self.notifier.to_client(
            approved.counselor_id,
            lambda: views.approved_notice(approved, total),
            dedupe_key=f"commission:{approved.id}",
        )
        return Approved(Approval.APPROVED, approved)


# --- the monthly job -----------------------------------------------------------------------------------------

MONTHLY_STATEMENTS = "commissions.monthly_statements"


async def arm_commission_jobs(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    """The next monthly run (idempotent: its ref_id is the month it draws up)."""
    due = next_statement_run_at(now, ZoneInfo(settings.timezone))
    await schedule(uow, MONTHLY_STATEMENTS, month_code(previous_month(due.date())), due)


def register_commission_jobs(registry: JobRegistry, *, settings: Settings, i18n: I18n) -> None:
    """On the 1st of each month, last month's statements are drawn up (drafts for a manager to approve)."""

    async def draw(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        await arm_commission_jobs(uow, settings, clock.now() + timedelta(minutes=1))
        month = parse_month_code(ref_id)
        if month is not None:
            await CommissionDesk(uow=uow, settings=settings, clock=clock, i18n=i18n).draw_up(month)

    registry.register(MONTHLY_STATEMENTS, draw)
