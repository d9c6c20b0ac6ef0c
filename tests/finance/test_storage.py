"""Finance storage on SQLite and PostgreSQL: expenses in the one immutable ledger (with their category, date,
channel, source and maker; note and receipt sealed), totals per category and channel, budgets, channels and
what they brought, month-end close carrying its totals, and the migration filling in the entries before it."""

from __future__ import annotations

import inspect
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from domain.clock import FakeClock
from domain.events import Capacity
from domain.finance.accounts import SEATS_AT_EVENTS, Category
from domain.membership.states import EVENT_TERM, LedgerKind
from storage.database import Database
from storage.engine import create_engine
from storage.keys import KeyMaterial
from storage.migrate import upgrade
from storage.models.matching import IntroductionRow
from storage.models.membership import LedgerEntryRow
from storage.privacy_ops import shred_account
from storage.repositories.budgets import BudgetsRepository
from storage.repositories.channels import Brought, ChannelsRepository
from storage.repositories.finance import FinanceRepository
from storage.unit_of_work import UnitOfWork
from tests.db_fixtures import RawContents
from tests.events.test_events_storage import _event

NOTE = "Banner printing for the Xuhui salon, invoice 88-1207"
RECEIPT = "AgACAgUAAxkBAAIBreceipt-file-id-77"


async def _account(database: Database, clock: FakeClock, number: int, *, status: str | None = None) -> UUID:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", str(7_700 + number), locale="en", now=clock.now())
        if status is not None:
            await uow.profiles.create(account.id, now=clock.now(), status=status)
    return account.id


async def test_an_expense_is_a_ledger_entry_with_sealed_details(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    fang = await _account(database, clock, 1)
    async with database.unit_of_work() as uow:
        channel = await ChannelsRepository.of(uow).create("wechat", "WeChat ads", created_by=fang, now=clock.now())
        entry = await FinanceRepository.of(uow).add_expense(
            currency="CNY",
            amount_minor=123450,
            category=Category.ADVERTISING,
            booked_on=date(2026, 1, 3),
            made_by=fang,
            now=clock.now(),
            channel_id=channel.id,
            note=NOTE,
            receipt_file_id=RECEIPT,
        )
        plain = await FinanceRepository.of(uow).add_expense(
            currency="CNY",
            amount_minor=500000,
            category=Category.RENT,
            booked_on=date(2026, 1, 1),
            made_by=fang,
            now=clock.now(),
        )
    assert (entry.kind, entry.amount_minor, entry.category, entry.channel_id) == ("expense", -123450, "advertising", 1)
    assert (entry.source, entry.made_by, entry.booked_on) == ("manual", fang, date(2026, 1, 3))
    async with database.unit_of_work(read_only=True) as uow:
        details = await FinanceRepository.of(uow).details(entry.id)
        assert details is not None and (details.note, details.receipt_file_id) == (NOTE, RECEIPT)
        assert await FinanceRepository.of(uow).details(plain.id) is None
    raw = await raw_contents()
    assert NOTE.encode() not in raw and RECEIPT.encode() not in raw

    # Still immutable: the database refuses to change or delete an expense; a reversal corrects it.
    for statement in (
        update(LedgerEntryRow).where(LedgerEntryRow.id == entry.id).values(category="rent"),
        delete(LedgerEntryRow).where(LedgerEntryRow.id == entry.id),
    ):
        with pytest.raises(DBAPIError, match="immutable"):
            async with database.unit_of_work() as uow:
                await uow.session.execute(statement)
    async with database.unit_of_work() as uow:
        reversal = await uow.ledger.reverse(entry.id, now=clock.now(), booked_on=date(2026, 1, 20), made_by=fang)
    assert (reversal.category, reversal.channel_id, reversal.amount_minor) == ("advertising", channel.id, 123450)
    async with database.unit_of_work(read_only=True) as uow:
        finance = FinanceRepository.of(uow)
        assert await finance.totals("CNY", date(2026, 1, 1), date(2026, 2, 1)) == {
            Category.ADVERTISING: 0,
            Category.RENT: -500000,
        }
        assert await finance.totals("CNY", date(2026, 1, 1), date(2026, 1, 10)) == {
            Category.ADVERTISING: -123450,
            Category.RENT: -500000,
        }
        assert await finance.channel_totals("CNY", date(2026, 1, 1), date(2026, 1, 10)) == {channel.id: -123450}
        assert await finance.totals("USD", date(2026, 1, 1), date(2026, 2, 1)) == {}


async def test_an_expense_needs_a_category_and_a_positive_amount(database: Database, clock: FakeClock) -> None:
    fang = await _account(database, clock, 2)
    async with database.unit_of_work() as uow:
        with pytest.raises(ValueError, match="category"):
            await uow.ledger.append(LedgerKind.EXPENSE, currency="CNY", amount_minor=-1, now=clock.now())
        with pytest.raises(ValueError, match="positive"):
            await FinanceRepository.of(uow).add_expense(
                currency="CNY",
                amount_minor=0,
                category=Category.RENT,
                booked_on=date(2026, 1, 1),
                made_by=fang,
                now=clock.now(),
            )
    with pytest.raises(DBAPIError):  # the database holds the same rule
        async with database.unit_of_work() as uow:
            await uow.session.execute(
                text(
                    "INSERT INTO ledger_entries (kind, currency, amount_minor, created_at, booked_on, source) "
                    "VALUES ('expense', 'CNY', -5, :now, :day, 'manual')"
                ),
                {"now": clock.now().replace(tzinfo=None), "day": date(2026, 1, 1)},
            )


async def test_payments_and_refunds_are_income_and_refunds(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        payment = await uow.ledger.append(LedgerKind.PAYMENT, currency="CNY", amount_minor=19900, now=clock.now())
        await uow.ledger.append(LedgerKind.PROMO_DISCOUNT, currency="CNY", amount_minor=-2000, now=clock.now())
        await uow.ledger.append(LedgerKind.REFUND, currency="CNY", amount_minor=-5000, now=clock.now())
    assert (payment.category, payment.source, payment.booked_on) == ("income", "payment", clock.now().date())
    async with database.unit_of_work(read_only=True) as uow:
        month = clock.now().date().replace(day=1)
        totals = await FinanceRepository.of(uow).totals("CNY", month, month + timedelta(days=31))
    assert totals == {Category.INCOME: 19900, Category.REFUNDS: -5000}


async def test_month_end_close_carries_the_totals(database: Database, clock: FakeClock) -> None:
    fang = await _account(database, clock, 3)
    async with database.unit_of_work() as uow:
        finance = FinanceRepository.of(uow)
        for day, amount, category in (
            (date(2025, 12, 30), 1000, Category.OTHER),
            (date(2026, 1, 2), 20000, Category.SALARIES),
            (date(2026, 1, 15), 3000, Category.EVENTS),
            (date(2026, 2, 1), 700, Category.EVENTS),
        ):
            await finance.add_expense(
                currency="CNY", amount_minor=amount, category=category, booked_on=day, made_by=fang, now=clock.now()
            )
        await uow.ledger.append(
            LedgerKind.PAYMENT, currency="CNY", amount_minor=50000, now=clock.now(), booked_on=date(2026, 1, 9)
        )
    async with database.unit_of_work() as uow:
        finance = FinanceRepository.of(uow)
        assert await finance.last_closed("CNY") is None
        assert await finance.period_totals(date(2026, 1, 1), "CNY") is None
        january = await finance.close(date(2026, 1, 1), "CNY", closed_by=fang, now=clock.now())
        assert january.carried_minor == -1000 - 20000 - 3000 + 50000
    async with database.unit_of_work() as uow:
        finance = FinanceRepository.of(uow)
        assert (await finance.last_closed("CNY")) == january
        assert await finance.period_totals(date(2026, 1, 1), "CNY") == {
            Category.SALARIES: -20000,
            Category.EVENTS: -3000,
            Category.INCOME: 50000,
        }
        february = await finance.close(date(2026, 2, 1), "CNY", closed_by=fang, now=clock.now())
        assert february.carried_minor == january.carried_minor - 700


async def test_budgets_per_category_and_month(database: Database, clock: FakeClock) -> None:
    fang = await _account(database, clock, 4)
    months = {date(2026, m, 1): 100 * m for m in range(1, 4)}
    async with database.unit_of_work() as uow:
        budgets = BudgetsRepository.of(uow)
        await budgets.set_months(Category.RENT, "CNY", months, threshold_percent=5, set_by=fang, now=clock.now())
        await budgets.set_months(
            Category.RENT, "CNY", {date(2026, 2, 1): 999}, threshold_percent=10, set_by=fang, now=clock.now()
        )
        await budgets.set_months(
            Category.EVENTS, "CNY", {date(2026, 2, 1): 50}, threshold_percent=0, set_by=fang, now=clock.now()
        )
    async with database.unit_of_work(read_only=True) as uow:
        lines = await BudgetsRepository.of(uow).month(date(2026, 2, 1), "CNY")
    assert [(line.category, line.amount_minor, line.threshold_percent) for line in lines] == [
        (Category.EVENTS, 50, 0),
        (Category.RENT, 999, 10),
    ]


async def test_channels_and_what_they_brought(database: Database, clock: FakeClock) -> None:
    li = await _account(database, clock, 5, status="active")
    wang = await _account(database, clock, 6, status="draft")
    zhao = await _account(database, clock, 7, status="active")
    async with database.unit_of_work() as uow:
        channels = ChannelsRepository.of(uow)
        wechat = await channels.create("wechat", "WeChat", created_by=None, now=clock.now())
        flyers = await channels.create("flyers", "Flyers", created_by=None, now=clock.now())
        assert await channels.record_client(li, wechat.id, day=date(2026, 1, 5))
        assert not await channels.record_client(li, flyers.id, day=date(2026, 1, 6))  # the first channel stays
        assert await channels.record_client(wang, wechat.id, day=date(2026, 1, 7))
        assert await channels.record_client(zhao, flyers.id, day=date(2026, 2, 1))
        uow.session.add(
            IntroductionRow(id=uuid4(), first_id=li, second_id=zhao, state="connected", created_at=clock.now())
        )
    async with database.unit_of_work(read_only=True) as uow:
        channels = ChannelsRepository.of(uow)
        assert await channels.by_code("wechat") == wechat and await channels.by_code("nope") is None
        assert [channel.code for channel in await channels.all()] == ["flyers", "wechat"]
        assert await channels.brought(date(2026, 1, 1), date(2026, 2, 1)) == {wechat.id: Brought(2, 1, 1)}
        assert await channels.brought(date(2026, 1, 1), date(2026, 3, 1)) == {
            wechat.id: Brought(2, 1, 1),
            flyers.id: Brought(1, 1, 1),
        }
    async with database.unit_of_work() as uow:  # a client's deletion takes their channel record with it
        await shred_account(uow, wang, clock.now())
    async with database.unit_of_work(read_only=True) as uow:
        assert await ChannelsRepository.of(uow).channel_of(wang) is None
        assert await ChannelsRepository.of(uow).channel_of(li) == wechat.id


async def test_the_migration_fills_in_the_entries_before_it(database_url: str, key_material: KeyMaterial) -> None:
    await upgrade(database_url, "0014")
    at = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    if database_url.startswith("sqlite"):
        at = at.replace(tzinfo=None)  # as storage.types.UTCDateTime keeps it
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            for kind, amount, reverses in (("payment", 100, None), ("refund", -40, None), ("reversal", -100, 1)):
                await connection.execute(
                    text(
                        "INSERT INTO ledger_entries (kind, currency, amount_minor, created_at, reverses_id) "
                        "VALUES (:kind, 'CNY', :amount, :at, :reverses)"
                    ),
                    {"kind": kind, "amount": amount, "at": at, "reverses": reverses},
                )
    finally:
        await engine.dispose()
    await upgrade(database_url)
    database = await Database.open(database_url, key_material, clock=FakeClock())
    try:
        async with database.unit_of_work(read_only=True) as uow:
            entries = await uow.ledger.entries()
        assert [(e.category, e.source, e.booked_on) for e in entries] == [
            ("income", "payment", date(2026, 1, 31)),
            ("refunds", "refund", date(2026, 1, 31)),
            ("income", "payment", date(2026, 1, 31)),
        ]
        with pytest.raises(DBAPIError, match="immutable"):
            async with database.unit_of_work() as uow:
                await uow.session.execute(delete(LedgerEntryRow))
    finally:
        await database.close()


async def _paid(
    uow: UnitOfWork,
    clock: FakeClock,
    client_id: UUID,
    amount_minor: int,
    charge_id: str,
    *,
    term: str = "1",
    event_id: UUID | None = None,
) -> None:
    """A premium client's payment in the books: the order, the payment and its ledger entry."""
    order = await uow.payments.open_order(
        client_id,
        tier="premium",
        term=term,
        currency="CNY",
        list_minor=amount_minor,
        discount_minor=0,
        credit_minor=0,
        total_minor=amount_minor,
        price_id=None,
        promo_id=None,
        now=clock.now(),
        event_id=event_id,
    )
    payment = await uow.payments.record(
        order,
        provider="stars",
        charge_id=charge_id,
        provider_charge_id=None,
        period_start=clock.now(),
        period_end=clock.now() + timedelta(days=30),
        now=clock.now(),
    )
    assert payment is not None
    await uow.ledger.append(
        LedgerKind.PAYMENT, currency="CNY", amount_minor=amount_minor, now=clock.now(), payment_id=payment.id
    )


async def test_income_by_tier(database: Database, clock: FakeClock) -> None:
    event = await _event(database, clock, Capacity(men=5, women=5))
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "7801", locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
        await _paid(uow, clock, account.id, 19900, "charge-finance-1")
        await uow.ledger.append(LedgerKind.PAYMENT, currency="CNY", amount_minor=500, now=clock.now())
        # the same premium member pays for a seat at an event
        await _paid(uow, clock, account.id, 8800, "charge-finance-2", term=EVENT_TERM, event_id=event.id)
    month = clock.now().date().replace(day=1)
    async with database.unit_of_work(read_only=True) as uow:
        income = await FinanceRepository.of(uow).income_by_tier("CNY", month, month + timedelta(days=31))
    assert income == {"premium": 19900, SEATS_AT_EVENTS: 8800, None: 500}  # a seat is not premium income


def test_finance_adds_no_way_to_change_the_ledger() -> None:
    """Finance writes the ledger only through `LedgerRepository.append` and `reverse` (and the database refuses
    UPDATE and DELETE, above); its own repository only appends, reads, closes months and attaches receipts."""
    public = {name for name, _ in inspect.getmembers(FinanceRepository, inspect.isfunction) if not name.startswith("_")}
    assert public == {
        "add_expense",
        "attach_receipt",
        "expense",
        "is_reversed",
        "details",
        "totals",
        "income_by_tier",
        "channel_totals",
        "entries",
        "last_closed",
        "close",
        "period_totals",
    }
    source = (Path(__file__).resolve().parents[2] / "storage" / "repositories" / "finance.py").read_text()
    assert "update(" not in source and "delete(" not in source
