"""Update throughput: a bare aiogram echo bot against Yuelao's client journey, the same number of updates.

    .venv/bin/python bench/bench_updates.py [--clients 20]
    .venv/bin/python bench/bench_updates.py --url postgresql+asyncpg://postgres@127.0.0.1/scratch

`--url` must name a scratch PostgreSQL database: its `public` schema is dropped and recreated.

Both bots are driven the same way, in one process: `BotClient` builds each update and feeds it to
`Dispatcher.feed_update`, and a recording session answers every Bot API call at once (no network). The echo
bot has no middleware and no storage. Yuelao runs exactly as in production (`create_dispatcher`: every
middleware, one transaction per update, the encrypted FSM storage and field encryption, on SQLite in a
temporary directory or on the PostgreSQL database given). Each simulated client goes from /start through
consent, the 17 questions, the 8 partner preferences and the review to the confirmation. A third run sends
/help through Yuelao as often: the cost of the middlewares alone (principal, FSM state, transaction), the
floor under any handler. Prints throughput, p50/p99 per update and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `tests` (the shared harness) is not an installed package

from aiogram import Dispatcher, Router  # noqa: E402
from aiogram.methods import TelegramMethod  # noqa: E402
from aiogram.types import Message, Update  # noqa: E402

from bot.app import create_dispatcher  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.clock import FakeClock  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.keys import KeyMaterial, generate_master_key  # noqa: E402
from tests.botclient import RecordingSession, make_bot  # noqa: E402
from tests.db_fixtures import reset_postgres_schema  # noqa: E402
from tests.journey_walk import PacedClient, register  # noqa: E402

TARGET_RATIO = 0.5


class TimedClient(PacedClient):
    """Records how long the Dispatcher took over each update."""

    def __init__(self, *args: Any, timings: list[float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timings = timings

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        started = time.perf_counter()
        try:
            return await super()._feed(update)
        finally:
            self._timings.append(time.perf_counter() - started)


def echo_dispatcher() -> Dispatcher:
    router = Router(name="echo")

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def run_yuelao(clients: int, data_dir: Path, url: str | None = None) -> list[float]:
    clock = FakeClock()
    settings = Settings(_env_file=None, data_dir=data_dir, database_url=url, admin_ids=[])
    keys = KeyMaterial([generate_master_key()], b"b" * 32)
    if url is not None:
        await reset_postgres_schema(url)
    database = await Database.open(settings.effective_database_url, keys, clock=clock)
    timings: list[float] = []
    try:
        dp = create_dispatcher(settings, database=database, clock=clock)
        session = RecordingSession(clock)
        bot = make_bot(session)
        for number in range(clients):
            client = TimedClient(dp, bot, session, user_id=700_000_000 + number, timings=timings)
            await register(client)
            client.view.messages.clear()
            session.requests.clear()
            session.results.clear()
    finally:
        await database.close()
    return timings


async def run_floor(updates: int, data_dir: Path, url: str | None = None) -> list[float]:
    """/help from a visitor, through every Yuelao middleware: what an update costs before any handler work."""
    clock = FakeClock()
    settings = Settings(_env_file=None, data_dir=data_dir, database_url=url, admin_ids=[])
    keys = KeyMaterial([generate_master_key()], b"b" * 32)
    if url is not None:
        await reset_postgres_schema(url)
    database = await Database.open(settings.effective_database_url, keys, clock=clock)
    timings: list[float] = []
    try:
        session = RecordingSession(clock)
        client = TimedClient(
            create_dispatcher(settings, database=database, clock=clock), make_bot(session), session, timings=timings
        )
        for number in range(updates):
            await client.send("/help")
            if number % 500 == 0:
                client.view.messages.clear()
                session.requests.clear()
                session.results.clear()
    finally:
        await database.close()
    return timings


async def run_echo(updates: int) -> list[float]:
    clock = FakeClock()
    session = RecordingSession(clock)
    bot = make_bot(session)
    timings: list[float] = []
    client = TimedClient(echo_dispatcher(), bot, session, timings=timings)
    for number in range(updates):
        await client.send(f"hello {number}")
        if number % 500 == 0:
            client.view.messages.clear()
            session.requests.clear()
            session.results.clear()
    return timings


def summary(name: str, timings: list[float]) -> float:
    total = sum(timings)
    throughput = len(timings) / total
    ordered = sorted(timings)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name:<28} {len(timings):>6} updates  {throughput:>9.0f} updates/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
    return throughput


async def main(clients: int, url: str | None) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        # A short warm-up of both paths (imports, catalogs, first queries), not measured.
        await run_yuelao(1, Path(scratch) / "warmup", url)
        await run_echo(50)
        yuelao = await run_yuelao(clients, Path(scratch) / "data", url)
        floor = await run_floor(len(yuelao), Path(scratch) / "floor", url)
    echo = await run_echo(len(yuelao))
    backend = "PostgreSQL" if url else "SQLite"
    print(f"Update throughput, {clients} clients through the whole journey ({backend}, encrypted), one process")
    echo_rate = summary("aiogram echo bot", echo)
    yuelao_rate = summary("Yuelao client journey", yuelao)
    floor_rate = summary("Yuelao middlewares, /help", floor)
    ratio = yuelao_rate / echo_rate
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"ratio Yuelao / echo: {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")
    print(f"ratio Yuelao middlewares alone / echo: {floor_rate / echo_rate:.2f}x")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="simulated clients registering (about 45 updates each)")
    parser.add_argument("--url", help="a scratch PostgreSQL database (its schema is dropped and recreated)")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.clients, arguments.url)))
