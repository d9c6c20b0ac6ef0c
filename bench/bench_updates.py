"""Update throughput: a bare aiogram echo bot against Yuelao's client journey, the same number of updates.

    .venv/bin/python bench/bench_updates.py [--clients 20]
    .venv/bin/python bench/bench_updates.py --url postgresql+asyncpg://postgres@127.0.0.1/scratch
    .venv/bin/python bench/bench_updates.py --breakdown   # then: where an update's time goes

`--url` must name a scratch PostgreSQL database: its `public` schema is dropped and recreated.

Both bots are driven the same way, in one process: `BotClient` builds each update and feeds it to
`Dispatcher.feed_update`, and a recording session answers every Bot API call at once (no network). The echo
bot has no middleware and no storage. Yuelao runs exactly as in production (`create_dispatcher`: every
middleware, one transaction per update, the encrypted FSM storage and field encryption, on SQLite in a
temporary directory or on the PostgreSQL database given). Each simulated client goes from /start through
consent, the 17 questions, the 8 partner preferences and the review to the confirmation. A third run sends
/help through Yuelao as often: the cost of the middlewares alone (principal, FSM state, transaction), the
floor under any handler. Prints throughput, p50/p99 per update and the ratio.

`--breakdown` then runs the three again with timers wrapped around the parts of an update (SQL statements,
the unit of work's own cost, the handler, the fake Bot API of the test harness, field crypto) and counts the
statements and the database driver's round trips per update; the timers add a little to every part.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `tests` (the shared harness) is not an installed package

from aiogram import Dispatcher, Router  # noqa: E402
from aiogram.methods import TelegramMethod  # noqa: E402
from aiogram.types import Message, TelegramObject, Update  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from bot import replies  # noqa: E402
from bot.app import create_dispatcher  # noqa: E402
from bot.middlewares.database import DatabaseMiddleware  # noqa: E402
from bot.middlewares.trace import HandlerNameMiddleware  # noqa: E402
from domain.clock import FakeClock  # noqa: E402
from handlers.services.settings import Settings  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.keys import KeyMaterial, generate_master_key  # noqa: E402
from storage.sealing import FieldCrypto  # noqa: E402
from storage.sqlite_driver import LeanConnection  # noqa: E402
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
    session = RecordingSession(clock)
    bot = make_bot(session)
    try:
        dp = create_dispatcher(settings, database=database, clock=clock)
        for number in range(clients):
            client = TimedClient(dp, bot, session, user_id=700_000_000 + number, timings=timings)
            await register(client)
            client.view.messages.clear()
            session.requests.clear()
            session.results.clear()
    finally:
        await replies.flush_sent(bot)  # as a graceful stop does, before the database closes
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
    session = RecordingSession(clock)
    bot = make_bot(session)
    try:
        client = TimedClient(create_dispatcher(settings, database=database, clock=clock), bot, session, timings=timings)
        for number in range(updates):
            await client.send("/help")
            if number % 500 == 0:
                client.view.messages.clear()
                session.requests.clear()
                session.results.clear()
    finally:
        await replies.flush_sent(bot)
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


SQL = "SQL statements (SQLAlchemy + driver round trip)"
UNIT_OF_WORK = "unit of work (session, BEGIN/COMMIT, pool)"
HANDLER = "handler code (conversation, texts, keyboards, Bot calls)"
HARNESS = "test harness: fake Bot API (checks, results)"
CRYPTO = "field crypto (AES-GCM, HMAC)"
REST = "aiogram dispatch, middlewares, routing (the rest)"


class Breakdown:
    """Wall time of an update's parts, each measured exclusive of the parts nested in it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.statements = 0
        self.round_trips = 0
        self._open: list[str] = []

    def add(self, part: str, seconds: float) -> None:
        self.seconds[part] = self.seconds.get(part, 0.0) + seconds

    def timed(self, part: str, function: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(function)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            outer = self._open[-1] if self._open else None
            self._open.append(part)
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self._open.pop()
                self.add(part, elapsed)
                if outer is not None:
                    self.add(outer, -elapsed)

        return wrapper

    def timed_sync(self, part: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.add(part, elapsed)
                if self._open:
                    self.add(self._open[-1], -elapsed)

        return wrapper

    @contextmanager
    def installed(self) -> Iterator[None]:
        """Wrap the timers around the classes involved (this process only), and take them off again."""
        breakdown = self

        async def unit_of_work(
            middleware: DatabaseMiddleware,
            handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
            event_: TelegramObject,
            data: dict[str, Any],
        ) -> Any:
            inner = 0.0

            async def timed_handler(inner_event: TelegramObject, inner_data: dict[str, Any]) -> Any:
                nonlocal inner
                started = time.perf_counter()
                try:
                    return await handler(inner_event, inner_data)
                finally:
                    inner += time.perf_counter() - started

            started = time.perf_counter()
            try:
                return await original["db"](middleware, timed_handler, event_, data)
            finally:
                breakdown.add(UNIT_OF_WORK, time.perf_counter() - started - inner)

        async def round_trip(connection: LeanConnection, function: Callable[[], Any]) -> Any:
            breakdown.round_trips += 1
            return await original["run"](connection, function)

        def count_statement(*_: Any) -> None:
            breakdown.statements += 1

        original: dict[str, Any] = {"db": DatabaseMiddleware.__call__, "run": LeanConnection._run}
        patches: list[tuple[Any, str, Any]] = [
            (DatabaseMiddleware, "__call__", unit_of_work),
            (HandlerNameMiddleware, "__call__", self.timed(HANDLER, HandlerNameMiddleware.__call__)),
            (RecordingSession, "make_request", self.timed(HARNESS, RecordingSession.make_request)),
            (LeanConnection, "_run", round_trip),
            *(
                (AsyncSession, name, self.timed(SQL, getattr(AsyncSession, name)))
                for name in ("execute", "scalar", "scalars", "get")
            ),
            *(
                (FieldCrypto, name, self.timed_sync(CRYPTO, getattr(FieldCrypto, name)))
                for name in ("seal", "open", "blind_index")
            ),
        ]
        saved = [(target, name, target.__dict__[name]) for target, name, _ in patches]
        for target, name, replacement in patches:
            setattr(target, name, replacement)
        original_open = Database.open.__func__  # type: ignore[attr-defined]

        async def open_counting(cls: type[Database], *args: Any, **kwargs: Any) -> Database:
            database: Database = await original_open(cls, *args, **kwargs)
            event.listen(database.engine.sync_engine, "before_cursor_execute", count_statement)
            return database

        Database.open = classmethod(open_counting)  # type: ignore[method-assign, assignment]
        try:
            yield
        finally:
            Database.open = classmethod(original_open)  # type: ignore[method-assign, assignment]
            for target, name, value in saved:
                setattr(target, name, value)

    def report(self, name: str, timings: list[float], *, sqlite: bool) -> None:
        total, count = sum(timings), len(timings)
        per_update = {part: seconds / count for part, seconds in self.seconds.items()}
        per_update[REST] = (total - sum(self.seconds.values())) / count
        trips = f" and {self.round_trips / count:.2f} driver round trips" if sqlite else ""
        print(f"{name}: {total / count * 1000:.2f} ms per update; {self.statements / count:.2f} SQL statements{trips}")
        for part, seconds in sorted(per_update.items(), key=lambda item: -item[1]):
            print(f"    {part:<58} {seconds * 1000:6.3f} ms  {seconds * count / total * 100:5.1f}%")


async def breakdown(clients: int, url: str | None) -> None:
    scenarios: list[tuple[str, Callable[[Path], Awaitable[list[float]]]]] = [
        ("Yuelao client journey", lambda path: run_yuelao(clients, path, url)),
        ("Yuelao middlewares, /help", lambda path: run_floor(clients * 38, path, url)),
        ("aiogram echo bot", lambda _: run_echo(clients * 38)),
    ]
    with tempfile.TemporaryDirectory() as scratch:
        for number, (name, scenario) in enumerate(scenarios):
            parts = Breakdown()
            with parts.installed():
                timings = await scenario(Path(scratch) / f"breakdown{number}")
            parts.report(name, timings, sqlite=url is None)


async def main(clients: int, url: str | None, with_breakdown: bool = False) -> int:
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
    if with_breakdown:
        print("\nWhere the time goes (instrumented runs; the timers add a little to every part)")
        await breakdown(clients, url)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="simulated clients registering (about 45 updates each)")
    parser.add_argument("--url", help="a scratch PostgreSQL database (its schema is dropped and recreated)")
    parser.add_argument("--breakdown", action="store_true", help="then show where an update's time goes")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.clients, arguments.url, arguments.breakdown)))
