"""Reports benchmark: every management report of a quarter over 100,000 clients' histories.

    .venv/bin/python bench/bench_reports.py                                   # SQLite in a temporary directory
    .venv/bin/python bench/bench_reports.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/bench_reports.py --clients 20000 --runs 3          # a smaller try

The histories are seeded by the demo generator (`storage.demo_histories.seed_histories`: a year of arrivals,
consents, registrations, suggestions, introductions, dates, stage changes, handoffs with claims and replies,
offline events with sign-ups, check-ins and picks); its time is printed on its own. Two targets are set, so the
target progress and the time bottleneck are worked out too. Then `FlowReports.report_for` builds the whole
report of the last quarter (the funnel and its cohort funnels by month, channel, tier, counselor and region, the
previous quarter's funnel, stage times and the three intervals against the previous quarter, targets, the
bottleneck with its worst cohorts, the events funnel of both quarters) `--runs` times: the median and the worst
are printed with each read's time (the rest is the arithmetic in memory), and then the charts and the XLSX
export once. Target: <= 2 s on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram.utils.i18n import I18n

from domain.clock import FakeClock
from domain.reports.periods import PeriodChoice, period_of
from domain.reports.stages import Interval
from domain.reports.targets import Target
from handlers.services.reports.exports import report_xlsx
from handlers.services.reports.figures import funnel_png, targets_png, times_png
from handlers.services.reports.flow import FlowReports
from handlers.services.settings import Settings
from handlers.views.reports import chart_texts
from storage.database import Database
from storage.demo_histories import seed_histories
from storage.keys import KeyMaterial, generate_master_key
from storage.repositories.reports import FlowReportsRepository

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
READS = ("placed", "handoff_spans", "event_histories", "stay_durations")  # the report's reads, timed one by one


def _time_stages() -> dict[str, list[float]]:
    """Time each read of the report (wall clock, per call) by wrapping the repository's methods."""
    stages: dict[str, list[float]] = {}
    for name in READS:
        method = getattr(FlowReportsRepository, name)

        async def timed(*args: Any, __method: Any = method, __name: str = name, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await __method(*args, **kwargs)
            finally:
                stages.setdefault(__name, []).append(time.perf_counter() - started)

        setattr(FlowReportsRepository, name, timed)
    return stages


async def bench(url: str, settings: Settings, clients: int, runs: int) -> None:
    clock = FakeClock(NOW)
    database = await Database.open(url, KeyMaterial([generate_master_key()], os.urandom(32)), clock=clock)
    i18n = I18n(path=ROOT / "locales", default_locale="en", domain="messages")
    try:
        seeded = await seed_histories(database, clients=clients, end=NOW, days=365, seed=1)
        rows = sum(seeded.rows.values())
        print(f"seeding: {clients:,} clients, {rows:,} rows in {seeded.seconds:.1f} s")
        async with database.unit_of_work() as uow:
            store = FlowReportsRepository.of(uow)
            await store.set_target(Target(Interval.REGISTRATION_TO_INTRODUCTION, timedelta(days=7), 0.8), set_by=None,
                                   now=NOW)  # fmt: skip
            await store.set_target(Target(Interval.HANDOFF_TO_CLAIM, timedelta(minutes=30), 0.9), set_by=None, now=NOW)
        period = period_of(PeriodChoice.LAST_QUARTER, NOW)
        stages = _time_stages()
        timings = []
        cpu = []
        report = None
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            async with database.unit_of_work(read_only=True) as uow:
                service = FlowReports(uow=uow, settings=settings, clock=clock, i18n=i18n)
                report = await service.report_for(period, as_of=NOW)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        assert report is not None
        print(
            f"report of a quarter ({report.funnel.visitors:,} visitors, "
            f"{report.times.stages[next(iter(report.times.stages))].current.count:,} stays in the first stage): "
            f"median {statistics.median(timings):.2f} s, worst {max(timings):.2f} s of {runs} runs "
            f"(this process's CPU time: median {statistics.median(cpu):.2f} s; SQLite's thread is counted too, "
            "PostgreSQL's server is not)"
        )
        print("  where the time goes (median of the runs): " + ", ".join(
            f"{name} {statistics.median(seconds):.2f} s" for name, seconds in stages.items()
        ) + "; the rest is the arithmetic in memory")  # fmt: skip
        started = time.perf_counter()
        with i18n.context(), i18n.use_locale("zh"):
            texts = chart_texts()
            sizes = [len(funnel_png(report, texts)), len(times_png(report, texts)), len(targets_png(report, texts))]
            export = report_xlsx(report)
        print(f"charts and export: {time.perf_counter() - started:.2f} s (PNG {sizes} bytes, XLSX {len(export):,})")
    finally:
        await database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(_env_file=None, data_dir=Path(directory))
        url = args.url or f"sqlite+aiosqlite:///{directory}/bench.db"
        print(f"database: {url.split('://')[0]}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        asyncio.run(bench(url, settings, args.clients, args.runs))


if __name__ == "__main__":
    main()
