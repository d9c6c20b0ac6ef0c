"""Appraisal KPIs benchmark: every figure of 200 staff members for one quarter, over 100,000 clients' histories.

    .venv/bin/python bench/bench_kpis.py                                   # SQLite in a temporary directory
    .venv/bin/python bench/bench_kpis.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_kpis
    .venv/bin/python bench/bench_kpis.py --clients 20000                   # a quicker look

The histories come from `storage.demo_histories.seed_histories` (a year of clients: registrations, case stages,
suggestions, introductions, dates with feedback, handoffs with their claim and first reply) with 200 demo
counselors. What the KPIs read beyond that is added here with bulk statements: casework actions in the audit
log (notes, stage changes, follow-ups), follow-up dates on assignments, the monthly survey, conversation ratings,
complaints about staff (some upheld) and penalties. Seeding is timed apart from the KPIs.

Timed: `KpiDesk.for_period(quarter)` for every appraised member (the 200 counselors), as `/kpi` and other features
call it: the median and worst of 5 runs, and one run of each metric family's query. Target: <= 2 s on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiogram.utils.i18n import I18n
from sqlalchemy import Table, bindparam, func, insert, select, update

from domain.clock import FakeClock
from domain.personnel.kpis import FOLLOW_UP_ACTION, Period, PeriodKind
from handlers.services.personnel.kpis import KpiDesk
from handlers.services.settings import Settings
from storage.database import Database
from storage.demo_histories import seed_histories
from storage.keys import KeyMaterial, MasterKey, generate_master_key
from storage.models.accounts import AccountRow
from storage.models.audit import AuditLogRow
from storage.models.casework import ClientAssignmentRow, HandoffRow
from storage.models.quality import ComplaintRow, StaffPenaltyRow, SurveyResponseRow
from storage.repositories.kpis import KpisRepository

STAFF = 200
NOW = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)  # Monday 6 July 2026, 10:00 in Shanghai
QUARTER = Period(PeriodKind.QUARTER, 2026, 2)  # April to June 2026
RUNS = 5
BATCH = 5_000
KEYS = KeyMaterial([generate_master_key()], os.urandom(32))
SEALED = b"\x00bench"


def _kept_keys(database_file: Path) -> KeyMaterial:
    """The keys of a kept SQLite database, in a file beside it (made with the database)."""
    keys_file = database_file.with_suffix(".keys")
    if not keys_file.exists():
        keys_file.write_bytes(os.urandom(64))
    secret = keys_file.read_bytes()
    return KeyMaterial([MasterKey("bench", secret[:32])], secret[32:])


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


async def _insert(database: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        async with database.unit_of_work() as uow:
            await uow.session.execute(insert(model), rows[start : start + BATCH])


async def _extras(database: Database, rng: random.Random) -> dict[str, int]:
    """What the KPIs read beyond the seeded histories, for the year up to NOW."""
    year_start, end = NOW - timedelta(days=365), NOW
    async with database.unit_of_work(read_only=True) as uow:
        assigned = list(
            (
                await uow.session.execute(
                    select(
                        ClientAssignmentRow.client_id, ClientAssignmentRow.counselor_id, ClientAssignmentRow.assigned_at
                    )
                )
            ).all()
        )
        handoffs = list(
            (
                await uow.session.execute(
                    select(HandoffRow.id, HandoffRow.client_id, HandoffRow.counselor_id, HandoffRow.closed_at).where(
                        HandoffRow.closed_at.is_not(None)
                    )
                )
            ).all()
        )
    audit: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []
    surveys: list[dict[str, Any]] = []
    complaints: list[dict[str, Any]] = []
    for client, counselor, assigned_at in assigned:
        for _ in range(rng.randint(0, 6)):  # a counselor's casework on the client's record
            action = rng.choice(("client.note_added", "client.stage_changed", FOLLOW_UP_ACTION, "client.card_opened"))
            audit.append({
                "id": _uuid(rng), "at": _moment(rng, max(assigned_at, year_start), end), "actor_account_id": counselor,
                "subject_account_id": client, "action": action,
            })  # fmt: skip
        if rng.random() < 0.4:
            due = NOW.date() - timedelta(days=rng.randint(-20, 120))
            follow_ups.append({"client": client, "due": due})
        for month in range(1, 7):
            if rng.random() < 0.25:
                answered = datetime(2026, month, rng.randint(2, 27), rng.randint(1, 12), tzinfo=UTC)
                if answered < assigned_at:
                    continue
                surveys.append({
                    "id": _uuid(rng), "client_id": client, "month": f"2026-{month:02d}", "counselor_id": counselor,
                    "sent_at": answered - timedelta(hours=5), "nps": rng.randint(0, 10),
                    "counselor_score": rng.randint(1, 5), "answered_at": answered,
                })  # fmt: skip
        if rng.random() < 0.01:
            resolved = _moment(rng, max(assigned_at, year_start), end - timedelta(days=1))
            outcome = rng.choice(("upheld", "partly_upheld", "not_upheld", "not_upheld"))
            complaints.append({
                "id": _uuid(rng), "client_id": client, "source": "complain", "category": "staff", "severity": "high",
                "owner": "manager", "state": "resolved", "about_id": counselor,
                "created_at": resolved - timedelta(days=1), "first_response_due": resolved,
                "resolution_due": resolved + timedelta(days=1), "resolved_at": resolved, "outcome": outcome,
                "escalation_level": 0,
            })  # fmt: skip
    counselors = sorted({counselor for _, counselor, _ in assigned}, key=str)
    penalties = [
        {
            "id": _uuid(rng), "staff_id": rng.choice(counselors), "kind": "warning", "reason": SEALED,
            "created_at": _moment(rng, year_start, end),
            "appeal_decision": rng.choice((None, None, "kept", "lifted")),
        }
        for _ in range(STAFF // 2)
    ]  # fmt: skip
    await _insert(database, AuditLogRow, audit)
    await _insert(database, SurveyResponseRow, surveys)
    await _insert(database, ComplaintRow, complaints)
    await _insert(database, StaffPenaltyRow, penalties)
    rated = [
        {"hid": handoff, "score": rng.randint(1, 5), "rated": closed}
        for handoff, _client, _counselor, closed in handoffs
        if rng.random() < 0.5
    ]
    async with database.unit_of_work() as uow:
        handoff_table = cast(Table, HandoffRow.__table__)
        assignment_table = cast(Table, ClientAssignmentRow.__table__)
        connection = await uow.session.connection()
        await connection.execute(
            update(handoff_table)
            .where(handoff_table.c.id == bindparam("hid"))
            .values(rating=bindparam("score"), rated_at=bindparam("rated")),
            rated,
        )
        await connection.execute(
            update(assignment_table)
            .where(assignment_table.c.client_id == bindparam("client"))
            .values(follow_up_on=bindparam("due")),
            follow_ups,
        )
    return {
        "audit_log": len(audit),
        "survey_responses": len(surveys),
        "complaints": len(complaints),
        "staff_penalties": len(penalties),
        "rated handoffs": len(rated),
        "follow-up dates": len(follow_ups),
    }


async def _time_kpis(database: Database, settings: Settings, clock: FakeClock) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU seconds of each run (CPU: this process, every thread; on a shared machine the wall
    clock also counts the time other processes had the cores)."""
    times: list[float] = []
    cpu: list[float] = []
    members = 0
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        async with database.unit_of_work(read_only=True) as uow:
            desk = KpiDesk(uow=uow, settings=settings, clock=clock, i18n=cast(I18n, None))
            figures = await desk.for_period(QUARTER)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        members = len(figures)
    return times, cpu, members


async def _time_families(database: Database, settings: Settings, clock: FakeClock) -> dict[str, float]:
    async with database.unit_of_work(read_only=True) as uow:
        desk = KpiDesk(uow=uow, settings=settings, clock=clock, i18n=cast(I18n, None))
        ids = [member.account_id for member in await desk.appraised()]
        window = desk.window(QUARTER)
        kpis = KpisRepository.of(uow)
        timed: dict[str, float] = {}
        for name in (
            "clients_served", "introductions", "dates_held", "reached_dating", "handoff_timings", "follow_ups_done",
            "follow_ups_missed", "survey_scores", "relay_ratings", "date_ratings", "complaints_upheld", "penalties",
        ):  # fmt: skip
            started = time.perf_counter()
            await getattr(kpis, name)(window, ids)
            timed[name] = time.perf_counter() - started
    return timed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a PostgreSQL URL (seeded when empty; default: SQLite in a temporary dir)")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--sqlite", help="keep the SQLite database in this file (seeded when empty)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(_env_file=None, data_dir=Path(directory))
        clock = FakeClock(NOW)
        kept = Path(args.sqlite) if args.sqlite else None
        url = args.url or f"sqlite+aiosqlite:///{kept or Path(directory) / 'bench.db'}"
        dialect = "PostgreSQL" if args.url else "SQLite"
        if args.url:  # a database that outlives the run keeps its keys beside the run: in the temporary directory
            keys = _kept_keys(Path(tempfile.gettempdir()) / f"bench_kpis_{args.url.rsplit('/', 1)[-1]}.db")
        else:
            keys = KEYS if kept is None else _kept_keys(kept)
        database = await Database.open(url, keys, clock=clock)
        try:
            async with database.unit_of_work(read_only=True) as uow:
                seed = not await uow.session.scalar(select(func.count()).select_from(AccountRow))
            if seed:
                seeded = await seed_histories(database, clients=args.clients, end=NOW, seed=7, counselors=STAFF)
                started = time.perf_counter()
                extras = await _extras(database, random.Random(11))
                extra_seconds = time.perf_counter() - started
                print(f"{dialect}: seeded {args.clients:,} clients' histories in {seeded.seconds:.1f} s: {seeded.rows}")
                print(f"{dialect}: KPI extras in {extra_seconds:.1f} s: {extras}")
            times, cpu, members = await _time_kpis(database, settings, clock)
            print(
                f"{dialect}: KPIs of {members} staff for {QUARTER.code}: median {statistics.median(times):.3f} s, "
                f"worst {max(times):.3f} s over {RUNS} runs (target <= 2 s on SQLite); "
                f"CPU time of this process: median {statistics.median(cpu):.3f} s"
            )
            families = await _time_families(database, settings, clock)
            print(
                f"{dialect}: per metric family (ms): "
                + ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in families.items())
            )
        finally:
            await database.close()
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    asyncio.run(main())
