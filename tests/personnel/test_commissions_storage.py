"""Commission statements drawn up from hand-built histories with known answers (each outcome its own test), on
SQLite and PostgreSQL; approval once, the ledger entry written once, even when two managers approve at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from aiogram.utils.i18n import I18n
from sqlalchemy import select

from bot.i18n import create_i18n
from domain.clock import FakeClock
from domain.finance.accounts import Category, Source
from domain.membership.states import LedgerKind
from domain.personnel.commissions import Outcome, StatementState, parse_commission
from domain.pipeline import Stage
from domain.staff import Role
from handlers.services.job_registry import JobRegistry
from handlers.services.personnel.commissions import (
    MONTHLY_STATEMENTS,
    Approval,
    CommissionDesk,
    arm_commission_jobs,
    register_commission_jobs,
)
from handlers.services.settings import Settings
from handlers.services.staff_access import Actor
from storage.database import Database
from storage.models.commissions import CommissionLineRow, CommissionStatementRow
from storage.models.delivery import ScheduledJobRow
from storage.models.matching import CaseStageRow
from storage.models.membership import LedgerEntryRow
from storage.repositories.commissions import CommissionsRepository

NOVEMBER = date(2026, 11, 1)
# 2026-11-10 12:00 in Shanghai (UTC+8), well inside November.
IN_NOVEMBER = datetime(2026, 11, 10, 4, 0, tzinfo=UTC)
AFTER_NOVEMBER = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
RULES_FROM = datetime(2026, 10, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(RULES_FROM)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", admin_ids=[])


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return create_i18n()


def desk(uow: object, settings: Settings, clock: FakeClock, i18n: I18n) -> CommissionDesk:
    return CommissionDesk(uow=uow, settings=settings, clock=clock, i18n=i18n)  # type: ignore[arg-type]


async def account(database: Database, clock: FakeClock, external: str, *, staff: str | None = None) -> UUID:
    async with database.unit_of_work() as uow:
        row, _created = await uow.accounts.get_or_create("telegram", external, locale="en", now=clock.now())
        if staff is not None:
            await uow.staff.add(row.id, role=staff, display_name=f"Member {external}", now=clock.now())
        else:
            await uow.profiles.create(row.id, now=clock.now(), status="active")
    return row.id


async def client_of(database: Database, clock: FakeClock, external: str, counselor: UUID) -> UUID:
    client = await account(database, clock, external)
    async with database.unit_of_work() as uow:
        await uow.assignments.assign(client, counselor, now=clock.now(), by=None)
    return client


async def rule(database: Database, outcome: Outcome, tier: str, minor: int, valid_from: datetime = RULES_FROM) -> None:
    async with database.unit_of_work() as uow:
        await CommissionsRepository.of(uow).add_rule(
            outcome, tier, currency="CNY", amount_minor=minor, valid_from=valid_from, set_by=None
        )


async def pay(database: Database, client: UUID, tier: str, at: datetime, *, refunded: bool = False) -> UUID:
    async with database.unit_of_work() as uow:
        order = await uow.payments.open_order(
            client,
            tier=tier,
            term="1",
            currency="CNY",
            list_minor=29_900,
            discount_minor=0,
            credit_minor=0,
            total_minor=29_900,
            price_id=None,
            promo_id=None,
            now=at,
        )
        payment = await uow.payments.record(
            order,
            provider="telegram",
            charge_id=f"charge-{order.id}",
            provider_charge_id=None,
            period_start=at,
            period_end=at + timedelta(days=30),
            now=at,
        )
        assert payment is not None
        if refunded:
            await uow.payments.add_refunded(payment.id, 29_900)
    return payment.id


async def draw(database: Database, settings: Settings, clock: FakeClock, i18n: I18n, month: date = NOVEMBER) -> None:
    async with database.unit_of_work() as uow:
        await desk(uow, settings, clock, i18n).draw_up(month)


async def lines_of(database: Database, counselor: UUID, month: date = NOVEMBER) -> list[tuple[str, str, UUID, int]]:
    async with database.unit_of_work(read_only=True) as uow:
        repository = CommissionsRepository.of(uow)
        statement = next((s for s in await repository.statements(month, "CNY") if s.counselor_id == counselor), None)
        if statement is None:
            return []
        return [
            (line.outcome.value, line.tier, line.client_id, line.amount_minor)
            for line in await repository.lines(statement.id)
        ]


async def test_a_paid_membership_earns_the_rule_of_its_tier(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    await rule(database, Outcome.PAID_MEMBERSHIP, "private", 50_000)
    payment = await pay(database, li, "premium", IN_NOVEMBER)

    await draw(database, settings, clock, i18n)

    assert await lines_of(database, anna) == [("paid_membership", "premium", li, 10_000)]
    async with database.unit_of_work(read_only=True) as uow:
        (statement,) = await CommissionsRepository.of(uow).statements(NOVEMBER, "CNY")
        (line,) = await CommissionsRepository.of(uow).lines(statement.id)
    assert statement.total_minor == 10_000 and statement.state is StatementState.DRAFT
    assert line.event_id == payment and line.occurred_at == IN_NOVEMBER


async def test_a_payment_refunded_in_full_earns_nothing(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    await pay(database, li, "premium", IN_NOVEMBER, refunded=True)

    await draw(database, settings, clock, i18n)

    assert await lines_of(database, anna) == []


async def test_an_introduction_pays_the_counselor_of_each_side(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    boris = await account(database, clock, "2", staff="counselor")
    li = await client_of(database, clock, "3", anna)
    wang = await client_of(database, clock, "4", boris)
    unassigned = await account(database, clock, "5")
    await rule(database, Outcome.INTRODUCTION, "basic", 2_000)
    async with database.unit_of_work() as uow:
        await uow.introductions.create(li, wang, now=IN_NOVEMBER)
        await uow.introductions.create(li, unassigned, now=IN_NOVEMBER + timedelta(hours=1))

    await draw(database, settings, clock, i18n)

    assert await lines_of(database, anna) == [
        ("introduction", "basic", li, 2_000),
        ("introduction", "basic", li, 2_000),
    ]
    assert await lines_of(database, boris) == [("introduction", "basic", wang, 2_000)]


async def test_reaching_dating_pays_once_per_client(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.DATING, "basic", 30_000)
    async with database.unit_of_work() as uow:
        await uow.case_stages.advance(li, Stage.INTRODUCED, cause="introduction", now=IN_NOVEMBER - timedelta(days=3))
        await uow.case_stages.advance(li, Stage.DATING, cause="feedback", now=IN_NOVEMBER)
        # Back and forth by hand: the second "dating" in December is not a new couple.
        for stage, at in (("met", IN_NOVEMBER + timedelta(days=1)), ("dating", AFTER_NOVEMBER)):
            uow.session.add(CaseStageRow(id=uuid4(), account_id=li, stage=stage, cause="counselor", changed_at=at))

    await draw(database, settings, clock, i18n)
    await draw(database, settings, clock, i18n, date(2026, 12, 1))

    assert await lines_of(database, anna) == [("dating", "basic", li, 30_000)]
    assert await lines_of(database, anna, date(2026, 12, 1)) == []


async def test_each_event_is_paid_at_the_rule_in_force_when_it_happened(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    li = await client_of(database, clock, "2", anna)
    wang = await client_of(database, clock, "3", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 12_500, valid_from=IN_NOVEMBER + timedelta(days=5))
    await pay(database, li, "premium", IN_NOVEMBER)
    await pay(database, wang, "premium", IN_NOVEMBER + timedelta(days=6))
    await pay(database, wang, "basic", IN_NOVEMBER + timedelta(days=7))  # no rule for it: no line

    await draw(database, settings, clock, i18n)

    assert await lines_of(database, anna) == [
        ("paid_membership", "premium", li, 10_000),
        ("paid_membership", "premium", wang, 12_500),
    ]


async def test_events_of_other_months_are_not_on_the_statement(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    # 2026-10-31 23:30 in Shanghai is October; 2026-12-01 00:00 in Shanghai is December.
    await pay(database, li, "premium", datetime(2026, 10, 31, 15, 30, tzinfo=UTC))
    await pay(database, li, "premium", datetime(2026, 11, 30, 16, 0, tzinfo=UTC))

    await draw(database, settings, clock, i18n)

    assert await lines_of(database, anna) == []


async def test_approval_books_one_ledger_expense_and_a_second_approval_books_nothing(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    manager = await account(database, clock, "9", staff="manager")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    await rule(database, Outcome.INTRODUCTION, "basic", 2_000)
    await pay(database, li, "premium", IN_NOVEMBER)
    async with database.unit_of_work() as uow:
        await uow.introductions.create(li, await account(database, clock, "3"), now=IN_NOVEMBER)
    await draw(database, settings, clock, i18n)
    async with database.unit_of_work(read_only=True) as uow:
        (statement,) = await CommissionsRepository.of(uow).statements(NOVEMBER, "CNY")
    actor = Actor(role=Role.MANAGER, account_id=manager, member=None)

    clock.set(IN_NOVEMBER)  # before the month is over: not yet
    async with database.unit_of_work() as uow:
        early = await desk(uow, settings, clock, i18n).approve(actor, statement.id, by=manager)
    clock.set(AFTER_NOVEMBER)
    async with database.unit_of_work() as uow:
        first = await desk(uow, settings, clock, i18n).approve(actor, statement.id, by=manager)
    async with database.unit_of_work() as uow:
        second = await desk(uow, settings, clock, i18n).approve(actor, statement.id, by=manager)
    await draw(database, settings, clock, i18n)  # drawing up again leaves an approved statement alone

    assert (early.outcome, first.outcome, second.outcome) == (Approval.NOT_ENDED, Approval.APPROVED, Approval.ALREADY)
    entries = await ledger(database)
    assert [(e.kind, e.amount_minor, e.category, e.source, e.booked_on, e.made_by) for e in entries] == [
        (
            LedgerKind.EXPENSE.value,
            -12_000,
            Category.COMMISSIONS.value,
            Source.COMMISSION.value,
            date(2026, 11, 30),
            manager,
        )
    ]
    async with database.unit_of_work(read_only=True) as uow:
        (after,) = await CommissionsRepository.of(uow).statements(NOVEMBER, "CNY")
        lines = await uow.session.scalars(select(CommissionLineRow))
        assert len(lines.all()) == 2
    assert after.state is StatementState.APPROVED and after.ledger_entry_id == entries[0].id
    assert after.total_minor == 12_000 and after.approved_by == manager


async def test_two_managers_approving_at_once_book_it_once(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    first_manager = await account(database, clock, "8", staff="manager")
    second_manager = await account(database, clock, "9", staff="manager")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    await pay(database, li, "premium", IN_NOVEMBER)
    await draw(database, settings, clock, i18n)
    async with database.unit_of_work(read_only=True) as uow:
        (statement,) = await CommissionsRepository.of(uow).statements(NOVEMBER, "CNY")
    clock.set(AFTER_NOVEMBER)

    async def approve(manager: UUID) -> Approval:
        async with database.unit_of_work() as uow:
            actor = Actor(role=Role.MANAGER, account_id=manager, member=None)
            return (await desk(uow, settings, clock, i18n).approve(actor, statement.id, by=manager)).outcome

    outcomes = await asyncio.gather(approve(first_manager), approve(second_manager))

    assert sorted(outcomes) == sorted([Approval.APPROVED, Approval.ALREADY])
    assert [entry.amount_minor for entry in await ledger(database)] == [-10_000]
    async with database.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.scalars(select(CommissionStatementRow))).all()
    assert [row.state for row in rows] == ["approved"]


async def ledger(database: Database) -> list[LedgerEntryRow]:
    async with database.unit_of_work(read_only=True) as uow:
        return list((await uow.session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.id))).all())


def test_amounts_are_exact() -> None:
    assert parse_commission("99.50", "CNY") == Decimal("99.50")
    assert parse_commission("0", "CNY") == Decimal("0.00")
    assert parse_commission("99.555", "CNY") is None
    assert parse_commission("-5", "CNY") is None


async def test_the_monthly_job_draws_up_last_month_and_arms_the_next_run(
    database: Database, settings: Settings, clock: FakeClock, i18n: I18n
) -> None:
    anna = await account(database, clock, "1", staff="counselor")
    li = await client_of(database, clock, "2", anna)
    await rule(database, Outcome.PAID_MEMBERSHIP, "premium", 10_000)
    await pay(database, li, "premium", IN_NOVEMBER)
    registry = JobRegistry()
    register_commission_jobs(registry, settings=settings, i18n=i18n)
    async with database.unit_of_work() as uow:
        await arm_commission_jobs(uow, settings, IN_NOVEMBER)
    clock.set(datetime(2026, 11, 30, 23, 0, tzinfo=UTC))  # 1 December, 07:00 in Shanghai
    handler = registry.get(MONTHLY_STATEMENTS)
    assert handler is not None

    async with database.unit_of_work() as uow:
        await handler(uow, "2026-11", clock)

    assert await lines_of(database, anna) == [("paid_membership", "premium", li, 10_000)]
    async with database.unit_of_work(read_only=True) as uow:
        jobs = (
            await uow.session.scalars(select(ScheduledJobRow).where(ScheduledJobRow.kind == MONTHLY_STATEMENTS))
        ).all()
    assert sorted((job.ref_id, job.due_at) for job in jobs) == [
        ("2026-11", datetime(2026, 11, 30, 23, 0, tzinfo=UTC)),
        ("2026-12", datetime(2026, 12, 31, 23, 0, tzinfo=UTC)),
    ]
