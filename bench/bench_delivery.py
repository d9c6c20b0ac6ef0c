"""Delivery benchmark, in real time: outbox throughput against the limits, and scheduled-job lateness.

    .venv/bin/python bench/bench_delivery.py                       # SQLite in a temporary directory
    BENCH_DATABASE_URL=postgresql+asyncpg://... .venv/bin/python bench/bench_delivery.py

1. 2,000 messages to 500 chats (4 each, enqueued in random order) go through the delivery worker to a fake
   Bot API server over real HTTP on 127.0.0.1, with the default limits (30 messages/s, 1/s per chat). The
   server runs in a process of its own (as Telegram would: its clock is not held up by ours) and stamps
   every request on arrival; the script prints the achieved rate (first to last request) and the windows in
   which a limit was exceeded, checked against the limits themselves.
2. 10,000 jobs due at random moments within one minute (from 15 s after scheduling began: writing 10,000
   rows takes several seconds) run through `Background`: APScheduler's one-second tick and wake-ups, each
   job in its own unit of work. The handler records how late it started; the script prints p50, p99 and
   the maximum. Real time, about three minutes in all.
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
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.delivery.limiter import ChatRateLimiter
from bot.delivery.service import Background, BackgroundSettings
from bot.delivery.worker import DeliveryWorker, WorkerConfig
from domain.clock import Clock, SystemClock
from domain.delivery import ChatAddress, DeliveryState, OutboundMessage, RateLimits, limit_violations
from domain.scheduling import JobState
from handlers.services.job_registry import JobRegistry
from storage.database import Database
from storage.keys import KeyMaterial, generate_master_key
from storage.repositories.delivery import OutboxRepository, ScheduledJobsRepository, enqueue, schedule
from storage.unit_of_work import UnitOfWork

TOKEN = "4242:BENCHtokenBENCHtokenBENCHtokenBENCH0"
MESSAGES, CHATS = 2_000, 500
JOBS, JOB_WINDOW, JOB_LEAD = 10_000, 60.0, 15.0
KIND = "bench.job"


class CountingBotAPI:
    """Answers sendMessage like Telegram and stamps each request on arrival (`GET /received` lists them)."""

    def __init__(self) -> None:
        self.received: list[tuple[int, float]] = []
        self._message_id = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/received", self._report)
        return app

    async def _report(self, _request: web.Request) -> web.Response:
        return web.json_response(self.received)

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        form = await request.post()
        chat_id = int(str(form["chat_id"]))
        self.received.append((chat_id, arrived))
        self._message_id += 1
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": str(form.get("text", "")),
        }
        return web.json_response({"ok": True, "result": message})


KEYS = KeyMaterial([generate_master_key()], os.urandom(32))


async def open_database(url: str | None, directory: Path, clock: Clock) -> Database:
    return await Database.open(url or f"sqlite+aiosqlite:///{directory / 'bench.db'}", KEYS, clock=clock)


async def all_sent(database: Database) -> bool:
    async with database.unit_of_work(read_only=True) as uow:
        return (await OutboxRepository.of(uow).count_by_state()).get(DeliveryState.SENT, 0) == MESSAGES


async def no_pending_jobs(database: Database) -> bool:
    async with database.unit_of_work(read_only=True) as uow:
        return not await ScheduledJobsRepository(uow.session).jobs(states=[JobState.PENDING], limit=1)


async def poll_until(check: Callable[[], Awaitable[bool]], interval: float = 0.5) -> None:
    while True:
        if await check():
            return
        await asyncio.sleep(interval)


async def serve_bot_api() -> None:
    """The fake Bot API in this process: prints its base URL, serves until stdin closes."""
    api = CountingBotAPI()
    server = TestServer(api.app(), host="127.0.0.1")
    await server.start_server()
    print(str(server.make_url("")).rstrip("/"), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.close()


async def bench_outbox(url: str | None, directory: Path) -> None:
    clock = SystemClock()
    database = await open_database(url, directory / "outbox", clock)
    server = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert server.stdout is not None and server.stdin is not None
    base_url = (await server.stdout.readline()).decode().strip()
    bot = Bot(token=TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    limits = RateLimits()
    try:
        plan = [chat for chat in range(1, CHATS + 1) for _ in range(MESSAGES // CHATS)]
        random.Random(20261127).shuffle(plan)
        async with database.unit_of_work() as uow:
            for number, chat in enumerate(plan):
                await enqueue(uow, ChatAddress.telegram(100_000 + chat), OutboundMessage(f"Reminder {number}"))
        worker = DeliveryWorker(
            database, {"telegram": bot}, {"telegram": ChatRateLimiter(limits)}, clock,
            config=WorkerConfig(poll_interval=0.2),
        )
        started = time.monotonic()
        running = asyncio.create_task(worker.run())
        await poll_until(lambda: all_sent(database))
        elapsed = time.monotonic() - started
        await worker.stop()
        await running
        async with ClientSession() as http, http.get(f"{base_url}/received") as response:
            received = [(int(chat), float(moment)) for chat, moment in await response.json()]
    finally:
        await bot.session.close()
        server.stdin.close()
        await server.wait()
        await database.close()

    times = sorted(moment for _, moment in received)
    rate = (len(times) - 1) / (times[-1] - times[0])
    violations = limit_violations(received, limits)
    print(f"outbox: {len(received)} requests for {MESSAGES} messages to {CHATS} chats in {elapsed:.1f} s")
    print(f"  achieved {rate:.2f} messages/s (limit {limits.messages_per_second:.0f}/s, "
          f"{rate / limits.messages_per_second:.1%} of it; target >= 95%)")
    print(f"  limit violations: {len(violations)} (global 30/s, private chat 1/s; target 0)")
    for violation in violations[:5]:
        print(f"    {violation.scope}: {violation.count} requests within {violation.window:.0f} s "
              f"from {violation.window_start:.2f} s (allowed {violation.allowed})")
    stats = worker.stats
    print(
        f"  worker: sent {stats.sent}, retried {stats.retried}, parked {stats.parked}, "
        f"rate-limited {stats.rate_limited}, lost claims {stats.lost_claims}"
    )


async def bench_jobs(url: str | None, directory: Path) -> None:
    clock = SystemClock()
    database = await open_database(url, directory / "jobs", clock)
    due: dict[str, datetime] = {}
    lateness: list[float] = []

    async def record(uow: UnitOfWork, ref_id: str, job_clock: Clock) -> None:
        lateness.append((job_clock.now() - due[ref_id]).total_seconds())

    registry = JobRegistry()
    registry.register(KIND, record)
    rng = random.Random(11)
    scheduling_started = clock.now()
    start = scheduling_started + timedelta(seconds=JOB_LEAD)
    async with database.unit_of_work() as uow:
        for number in range(JOBS):
            ref_id = f"job-{number}"
            due[ref_id] = start + timedelta(seconds=rng.uniform(0, JOB_WINDOW))
            await schedule(uow, KIND, ref_id, due[ref_id])
    took = (clock.now() - scheduling_started).total_seconds()
    print(f"scheduler: {JOBS} jobs scheduled in {took:.1f} s (one transaction), due {JOB_LEAD:.0f} to "
          f"{JOB_LEAD + JOB_WINDOW:.0f} s after scheduling began")
    background = Background(database, clock, BackgroundSettings(), registry=registry)
    await background.start({})
    try:
        await poll_until(lambda: no_pending_jobs(database), interval=1.0)
    finally:
        await background.stop()
        await database.close()

    ordered = sorted(lateness)
    p50 = statistics.median(ordered)
    p99 = ordered[int(len(ordered) * 0.99) - 1]
    print(f"  {len(ordered)} jobs due within {JOB_WINDOW:.0f} s ran; lateness "
          f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms (target p99 <= 1 s)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["outbox", "jobs"])
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        await serve_bot_api()
        return
    url = os.environ.get("BENCH_DATABASE_URL")
    print(f"database: {'PostgreSQL' if url else 'SQLite (temporary file)'}")
    with tempfile.TemporaryDirectory() as directory:
        if args.only in (None, "outbox"):
            await bench_outbox(url, Path(directory))
        if args.only in (None, "jobs"):
            await bench_jobs(url, Path(directory))


if __name__ == "__main__":
    asyncio.run(main())
