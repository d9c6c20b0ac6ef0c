"""Finance benchmark: the budget report (`/budget`) over 1,000,000 ledger entries and 100,000 clients.

    .venv/bin/python bench/bench_finance.py                       # SQLite in a temporary directory
    BENCH_DATABASE_URL=postgresql+asyncpg://... .venv/bin/python bench/bench_finance.py

The books of two years (2025-2026): 1,000,000 entries (payments, refunds and the six expense categories,
advertising spread over 20 acquisition channels), 100,000 clients recorded against those channels (two in
three registered), 20,000 introductions and a budget for every category and month. The script times the
whole report of one month as `FinanceDesk.budget` builds it (totals per category, advertising per channel,
what each channel brought, the budget lines, the variance and cost-per-client rules): the median and the
worst of 7 runs, for an open month (summed from the ledger) and a closed one (from the totals it carried).
Target: <= 1 s on SQLite.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram.utils.i18n import I18n
from sqlalchemy import insert

from domain.clock import FakeClock
from domain.finance.accounts import EXPENSE_CATEGORIES, Category
from domain.finance.periods import months_of_year
from handlers.services.finance import FinanceDesk
from handlers.services.settings import Settings
from storage.database import Database
from storage.keys import KeyMaterial, generate_master_key
from storage.models.accounts import AccountRow
from storage.models.clients import ClientProfileRow
from storage.models.finance import AcquisitionChannelRow, BudgetLineRow, ClientChannelRow
from storage.models.matching import IntroductionRow
from storage.models.membership import LedgerEntryRow
from storage.repositories.finance import FinanceRepository

ENTRIES, CLIENTS, CHANNELS, INTRODUCTIONS = 1_000_000, 100_000, 20, 20_000
MONTHS = months_of_year(2025) + months_of_year(2026)
BATCH = 20_000
RUNS = 7
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
KEYS = KeyMaterial([generate_master_key()], os.urandom(32))


def _day(rng: random.Random) -> date:
    month = rng.choice(MONTHS)
    return month.replace(day=rng.randint(1, 28))


async def _fill(database: Database, rng: random.Random) -> None:
    started = time.perf_counter()
    created = NOW.replace(year=2024)
    async with database.unit_of_work() as uow:
        session = uow.session
        await session.execute(
            insert(AcquisitionChannelRow),
            [
                {"id": n, "code": f"ch{n}", "name": f"Channel {n}", "created_at": created}
                for n in range(1, CHANNELS + 1)
            ],
        )
        clients = [uuid4() for _ in range(CLIENTS)]
        for start in range(0, CLIENTS, BATCH):
            part = clients[start : start + BATCH]
            await session.execute(
                insert(AccountRow),
                [{"id": c, "channel": "telegram", "locale": "en", "created_at": created} for c in part],
            )
            await session.execute(
                insert(ClientProfileRow),
                [
                    {
                        "account_id": c,
                        "status": "active" if rng.random() < 0.66 else "draft",
                        "personality": [],
                        "hobbies": [],
                        "tier": "basic",
                        "created_at": created,
                        "updated_at": created,
                    }
                    for c in part
                ],
            )
            await session.execute(
                insert(ClientChannelRow),
                [{"client_id": c, "channel_id": rng.randint(1, CHANNELS), "recorded_on": _day(rng)} for c in part],
            )
        pairs: set[tuple[Any, Any]] = set()
        while len(pairs) < INTRODUCTIONS:
            first, second = sorted(rng.sample(clients, 2), key=str)
            pairs.add((first, second))
        await session.execute(
            insert(IntroductionRow),
            [
                {"id": uuid4(), "first_id": a, "second_id": b, "state": "connected", "created_at": created}
                for a, b in pairs
            ],
        )
        await session.execute(
            insert(BudgetLineRow),
            [
                {
                    "month": month,
                    "category": category.value,
                    "currency": "CNY",
                    "amount_minor": 50_000_000,
                    "threshold_percent": 10,
                    "set_at": created,
                }
                for month in MONTHS
                for category in EXPENSE_CATEGORIES
            ],
        )
    kinds = [
        *(("expense", category) for category in EXPENSE_CATEGORIES),
        ("payment", Category.INCOME),
        ("payment", Category.INCOME),
        ("refund", Category.REFUNDS),
    ]
    for start in range(0, ENTRIES, BATCH):
        rows: list[dict[str, Any]] = []
        for _ in range(min(BATCH, ENTRIES - start)):
            kind, category = rng.choice(kinds)
            amount = rng.randint(100, 2_000_000)
            rows.append(
                {
                    "kind": kind,
                    "currency": "CNY",
                    "amount_minor": amount if kind == "payment" else -amount,
                    "created_at": NOW,
                    "booked_on": _day(rng),
                    "category": category.value,
                    "channel_id": rng.randint(1, CHANNELS) if category is Category.ADVERTISING else None,
                    "source": {"payment": "payment", "refund": "refund"}.get(kind, "manual"),
                }
            )
        async with database.unit_of_work() as uow:
            await uow.session.execute(insert(LedgerEntryRow), rows)
    print(f"filled {ENTRIES:,} entries, {CLIENTS:,} clients in {time.perf_counter() - started:.0f} s")


async def _time(database: Database, settings: Settings, clock: FakeClock, month: date) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        async with database.unit_of_work(read_only=True) as uow:
            desk = FinanceDesk(uow=uow, settings=settings, clock=clock, i18n=cast(I18n, None))
            view = await desk.budget(month)
        times.append(time.perf_counter() - started)
    assert view.report.rows and view.channels
    return times


async def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(_env_file=None, data_dir=Path(directory), currency="CNY")
        clock = FakeClock(NOW)
        database = await Database.open(url or f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}", KEYS, clock=clock)
        try:
            await _fill(database, random.Random(19))
            async with database.unit_of_work() as uow:
                closed = await FinanceRepository.of(uow).close(date(2025, 1, 1), "CNY", closed_by=None, now=NOW)
            print(f"closed 2025-01 (carried {closed.carried_minor / 100:,.2f} CNY)")
            dialect = "PostgreSQL" if url else "SQLite"
            for label, month in (("open month 2026-06", date(2026, 6, 1)), ("closed month 2025-01", date(2025, 1, 1))):
                times = await _time(database, settings, clock, month)
                print(
                    f"{dialect}: budget report, {label}: median {statistics.median(times) * 1000:.0f} ms, "
                    f"worst {max(times) * 1000:.0f} ms (target <= 1000 ms)"
                )
        finally:
            await database.close()
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    asyncio.run(main())
