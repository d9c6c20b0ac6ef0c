"""Latency under load: many clients walking the intake at once against a Bot API that answers every call after a
network round trip.

    .venv/bin/python bench/bench_latency.py                          # 200 clients, 100 ms, polling and webhook
    .venv/bin/python bench/bench_latency.py --latency 50,100,300 --clients 100 --duration 30
    .venv/bin/python bench/bench_latency.py --url postgresql+asyncpg://postgres@127.0.0.1/scratch

`--url` must name a scratch PostgreSQL database: its `public` schema is dropped and recreated for each run.

The bot runs as in production (`opened_app`: every middleware, a transaction per update, the replies after
the commit) in a process of its own (this script with `--serve`), talking real HTTP on 127.0.0.1 to
`tests/fake_bot_api.py`, served with the clients by this process, whose every call takes `--latency` ms:
half on the way there (then the call counts as arrived), half on the way back. Polling: the bot's own poller
long-polls the double; webhook: the clients POST their updates to the bot's webhook server after half a round
trip, as Telegram would. Each simulated client walks the registration journey (`tests/journey_walk.py`),
answering about 2 s (±25 %) after the bot's reply reached the double (the person's screen), for `--duration`
seconds, starting at random moments within the first 2 s. The bot runs without its background (the outbox
worker and the rate limiter): the double enforces no limit, and 200 people answering every 2 s ask for about 90
replies a second, three times Telegram's 30 messages/s for one bot, so with pacing on this would measure the
limiter (tests/delivery prove its limits). This process pauses its own garbage collector while the clients walk
(`harness_collector_paused`), so the double's pauses are not charged to the bot.

Printed per run:
  offered   the updates/s the clients would send if every reply took the ideal time: clients / (2 s + ideal)
  handled   the updates/s actually handled, once every client has started (each client waits for its reply
            before it answers, so a slow bot is offered less: handled / offered shows it)
  reply     time from a client's update to the last of the bot's calls for it reaching the double, p50 and p99
  ideal     per update: latency x its Bot API calls + the handler time (half a round trip to deliver the
            update, a full one per call but the last, half for the last to arrive); the handler time is
            measured first with one client and no latency through the same transport; p50 and p99
  errors    failed or unanswered updates, webhook answers other than 200, and errors logged by the bot
  CPU       the bot process's CPU time over the run (one event loop: near 100 % it is the bottleneck), and
            this process's (the double and the clients)
Targets (at 100 ms and 200 clients): handled >= 95 % of offered, reply p99 <= 2x the ideal p99, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `tests` (the shared harness) is not an installed package

from aiogram import Dispatcher  # noqa: E402
from aiogram.methods import (  # noqa: E402
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendChatAction,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import Message, Update  # noqa: E402
from aiohttp import ClientSession, TCPConnector  # noqa: E402
from aiohttp.test_utils import TestServer  # noqa: E402

from bot.runner import freeze_startup_objects, opened_app, poll_telegram, webhook_app  # noqa: E402
from domain.clock import SystemClock  # noqa: E402
from handlers.services.settings import Settings  # noqa: E402
from tests.botclient import BotClient, RecordingSession, make_bot  # noqa: E402
from tests.db_fixtures import reset_postgres_schema  # noqa: E402
from tests.fake_bot_api import Call, FakeBotAPI, running_fake_bot_api  # noqa: E402
from tests.journey_walk import register  # noqa: E402

TOKEN = "123456:" + "B" * 35
SECRET = "bench-secret"
HOOK_PATH = "/tg/hook"
UPDATE_TIMEOUT = 60.0
CALIBRATION_PACE = 0.6
METHODS: dict[str, type[TelegramMethod[Any]]] = {
    "sendMessage": SendMessage,
    "editMessageText": EditMessageText,
    "editMessageReplyMarkup": EditMessageReplyMarkup,
    "editMessageCaption": EditMessageCaption,
    "answerCallbackQuery": AnswerCallbackQuery,
    "deleteMessage": DeleteMessage,
    "sendPhoto": SendPhoto,
    "sendChatAction": SendChatAction,
}


class TimeUpError(Exception):
    """The run's duration is over: the client stops walking."""


@dataclass
class Sample:
    sent_at: float  # loop time the client sent the update
    reply: float  # seconds from the update to its last call reaching the double
    calls: int


@dataclass
class Tally:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Transport:
    """How an update reaches the bot, and how the client learns it was handled."""

    def __init__(self, api: FakeBotAPI, hook_url: str | None, http: ClientSession | None) -> None:
        self.api, self.hook_url, self.http = api, hook_url, http
        self.done: dict[int, asyncio.Future[None]] = {}

    def handled(self, update_id: int) -> None:
        waiter = self.done.pop(update_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def deliver(self, update: Update) -> None:
        body = update.model_dump(mode="json", exclude_none=True, by_alias=True)
        if self.hook_url is None:
            body.pop("update_id")
            update_id = self.api.push(body)
            waiter = self.done[update_id] = asyncio.get_running_loop().create_future()
            await asyncio.wait_for(waiter, UPDATE_TIMEOUT)
            return
        assert self.http is not None
        await asyncio.sleep(self.api.latency / 2)  # Telegram's way to the webhook
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with self.http.post(self.hook_url, json=body, headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")


class RemoteClient(BotClient):
    """A person whose updates travel over HTTP; answers about `think` seconds after the bot's reply."""

    def __init__(self, transport: Transport, tally: Tally, think: float, deadline: float, **kwargs: Any) -> None:
        session = RecordingSession(SystemClock())
        super().__init__(Dispatcher(), make_bot(session), session, **kwargs)
        self.transport, self.tally, self.think, self.deadline = transport, tally, think, deadline
        self._replied_at: float | None = None  # loop time the bot's last reply reached the double

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        loop = asyncio.get_running_loop()
        if self._replied_at is not None and self.think:
            # The person reads the reply once it is on their screen, and answers: the think time runs from the
            # reply's arrival, not from the moment the bot learnt it was delivered (half a round trip later).
            answer_at = self._replied_at + self.think * random.uniform(0.75, 1.25)
            await asyncio.sleep(max(0.0, answer_at - loop.time()))
        if time.monotonic() >= self.deadline:
            raise TimeUpError
        if update.callback_query is not None:
            _query_chats[update.callback_query.id] = self.chat.id
        api = self.transport.api
        before = len(api.calls)
        sent_at = loop.time()
        await self.transport.deliver(update)
        mine = [c for c in api.calls[before:] if _chat_of(c) == self.chat.id]
        if not mine:
            raise RuntimeError(f"the bot did not answer {update.model_dump(exclude_none=True)}"[:1500])
        self._replied_at = max(c.at for c in mine)
        self.tally.samples.append(Sample(sent_at, self._replied_at - sent_at, len(mine)))
        methods = []
        for call in mine:
            method, result = _method_and_result(call)
            self._apply(method, result)
            methods.append(method)
        return methods


def _chat_of(call: Call) -> int | None:
    chat = call.params.get("chat_id")
    if chat is not None:
        return int(chat)
    return None if call.method != "answerCallbackQuery" else _query_chats.get(str(call.params["callback_query_id"]))


_query_chats: dict[str, int] = {}


def _method_and_result(call: Call) -> tuple[TelegramMethod[Any], Any]:
    params = dict(call.params)
    if "chat_id" in params:
        params["chat_id"] = int(params["chat_id"])
    method = METHODS[call.method].model_validate(params)
    result = Message.model_validate(call.result) if isinstance(call.result, dict) else call.result
    return method, result


async def walk(client: RemoteClient, start_within: float) -> None:
    await asyncio.sleep(random.uniform(0, start_within))
    try:
        await register(client)
    except TimeUpError:
        return
    except Exception as exc:
        client.tally.errors.append(f"{type(exc).__name__}: {str(exc)[:1500]}")


class BotProcess:
    """The bot under test in a process of its own (this script with `--serve`), reporting on its stdout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.errors: list[str] = []
        self.cpu = 0.0
        self.hook_url: str | None = None
        self.transport: Transport | None = None
        self.ready = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            kind, _, rest = raw.decode().rstrip("\n").partition(" ")
            if kind == "done" and self.transport is not None:
                self.transport.handled(int(rest))
            elif kind == "error":
                self.errors.append(rest)
            elif kind == "hook":
                self.hook_url = rest
            elif kind == "ready":
                self.ready.set()
            elif kind == "cpu":
                self.cpu = float(rest)

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the bot stops at the end of its stdin
        await self.process.wait()
        await self._reader


@contextlib.asynccontextmanager
async def running_bot(api: FakeBotAPI, mode: str, data_dir: Path, url: str | None) -> AsyncIterator[BotProcess]:
    if url is not None:
        await reset_postgres_schema(url)
    command = [sys.executable, __file__, "--serve", mode, "--api", api.base_url, "--data-dir", str(data_dir)]
    process = await asyncio.create_subprocess_exec(
        *command, *(["--url", url] if url else []), stdin=PIPE, stdout=PIPE, limit=2**20
    )
    bot = BotProcess(process)
    try:
        await asyncio.wait_for(bot.ready.wait(), 120)
        await api.wait_for("setMyCommands", count=3, timeout=60)
        if mode == "polling":
            bot.transport = Transport(api, None, None)
            yield bot
            return
        async with ClientSession(connector=TCPConnector(limit=0)) as http:
            await api.wait_for("setWebhook", timeout=60)
            bot.transport = Transport(api, bot.hook_url, http)
            yield bot
    finally:
        await bot.stop()


async def serve(mode: str, api_base: str, data_dir: Path, url: str | None) -> None:
    """The bot process: as `run_bot.py run` would run it, reporting each handled update (polling) and each
    error logged on stdout; stops at the end of stdin."""

    def report(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    class ErrorReport(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            report(f"error {record.name}: {record.getMessage()[:200]}".replace("\n", " "))

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger().addHandler(ErrorReport(logging.ERROR))
    webhook = (
        {"webhook_url": "https://bench.example.org/tg/hook", "webhook_secret": SECRET} if mode == "webhook" else {}
    )
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_base=api_base,
        data_dir=data_dir,
        database_url=url,
        log_level="WARNING",
        **webhook,  # type: ignore[arg-type]
    )
    loop = asyncio.get_running_loop()
    stdin_closed = asyncio.Event()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    async def watch_stdin() -> None:
        await reader.read()
        stdin_closed.set()

    watcher = asyncio.create_task(watch_stdin())
    async with opened_app(settings, SystemClock()) as (dp, _database, _keys, i18n):
        freeze_startup_objects()  # as `run` does before it serves
        if mode == "polling":
            feed = dp.feed_update

            async def feed_and_report(bot: Any, update: Update, **kwargs: Any) -> Any:
                try:
                    return await feed(bot, update, **kwargs)
                finally:
                    report(f"done {update.update_id}")

            dp.feed_update = feed_and_report  # type: ignore[method-assign]
            polling = asyncio.create_task(poll_telegram(settings, dp, i18n, handle_signals=False, stop=stdin_closed))
            report("ready")
            await polling
        else:
            server = TestServer(webhook_app(settings, dp, i18n), host="127.0.0.1")
            await server.start_server()
            report(f"hook {server.make_url(HOOK_PATH)}")
            report("ready")
            try:
                await stdin_closed.wait()
            finally:
                await server.close()
    watcher.cancel()
    report(f"cpu {time.process_time()}")


async def handler_time(mode: str, url: str | None, scratch: Path) -> float:
    """Median time per update for one client, no latency: the handler's own time. The client answers after
    0.6 s, within the flood guard's 2 updates/s per person."""
    async with (
        running_fake_bot_api(latency=0.0) as api,
        running_bot(api, mode, scratch / f"h-{mode}", url) as bot,
    ):
        assert bot.transport is not None
        tally = Tally()
        client = RemoteClient(bot.transport, tally, CALIBRATION_PACE, time.monotonic() + 600, user_id=900_000_000)
        await walk(client, 0.0)
        if tally.errors:
            raise RuntimeError(f"the calibration walk failed: {tally.errors[0]}")
        return statistics.median(s.reply for s in tally.samples)


@contextlib.contextmanager
def harness_collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in this process (the double and the clients) while they run, as `timeit`
    does: its full collections walk every call and message recorded so far, 230-290 ms every 20 s or so, while
    the double could neither stamp the bot's calls nor answer them, and that was charged to the bot's reply
    times. The bot's process collects as in production."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def measure(
    mode: str, latency: float, clients: int, duration: float, think: float, url: str | None, scratch: Path
) -> bool:
    handler = await handler_time(mode, url, scratch)
    async with (
        running_fake_bot_api(latency=latency) as api,
        running_bot(api, mode, scratch / f"{mode}-{latency}", url) as bot,
    ):
        transport = bot.transport
        assert transport is not None
        tally = Tally()
        started, cpu_started = time.monotonic(), time.process_time()
        bot_cpu_started = _cpu_seconds(bot.process.pid)
        window_start = asyncio.get_running_loop().time() + think  # every client has started by then
        deadline = started + duration
        walkers = [
            RemoteClient(transport, tally, think, deadline, user_id=800_000_000 + number) for number in range(clients)
        ]
        with harness_collector_paused():
            await asyncio.gather(*(walk(client, think) for client in walkers))
        elapsed = time.monotonic() - started
        cpu = (time.process_time() - cpu_started) / elapsed
        bot_cpu = (_cpu_seconds(bot.process.pid) - bot_cpu_started) / elapsed
        window = duration - think
    ideals = [latency * s.calls + handler for s in tally.samples]
    replies = [s.reply for s in tally.samples]
    errors = tally.errors + bot.errors
    if not replies:
        print(f"{mode}: no update was answered; errors: {errors[:3]}")
        return False
    ideal_mean = statistics.fmean(ideals)
    offered = clients / (think + ideal_mean)
    # Steady state: the updates sent once every client had started, until the end of the run.
    handled = sum(1 for s in tally.samples if window_start <= s.sent_at <= window_start + window) / window
    p50, p99 = percentile(replies, 0.5), percentile(replies, 0.99)
    i50, i99 = percentile(ideals, 0.5), percentile(ideals, 0.99)
    calls = statistics.fmean(s.calls for s in tally.samples)
    backend = "PostgreSQL" if url else "SQLite"
    print(
        f"{mode:<8} {backend:<10} {latency * 1000:4.0f} ms  {clients} clients {elapsed:5.1f} s | "
        f"offered {offered:6.1f}/s handled {handled:6.1f}/s ({handled / offered * 100:5.1f} %) | "
        f"reply p50 {p50 * 1000:6.0f} ms p99 {p99 * 1000:6.0f} ms | ideal p50 {i50 * 1000:5.0f} ms "
        f"p99 {i99 * 1000:5.0f} ms (calls/update {calls:.2f}, handler {handler * 1000:.0f} ms) | "
        f"p99/ideal {p99 / i99:4.2f}x | errors {len(errors)} | CPU bot {bot_cpu * 100:.0f} % clients {cpu * 100:.0f} %"
    )
    for error in errors[:5]:
        print(f"    error: {error}")
    return handled >= 0.95 * offered and p99 <= 2 * i99 and not errors


async def main(arguments: argparse.Namespace) -> int:
    latencies = [float(value) / 1000 for value in arguments.latency.split(",")]
    modes = arguments.mode.split(",")
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiogram").setLevel(logging.WARNING)
    met = True
    with tempfile.TemporaryDirectory() as scratch:
        for latency in latencies:
            for mode in modes:
                met &= await measure(
                    mode, latency, arguments.clients, arguments.duration, arguments.think, arguments.url, Path(scratch)
                )
    print("targets met" if met else "targets missed")
    return 0 if met else 1


if __name__ == "__main__":
    if "--serve" in sys.argv:  # the bot process of a run
        serving = argparse.ArgumentParser()
        serving.add_argument("--serve", choices=("polling", "webhook"), required=True)
        serving.add_argument("--api", required=True)
        serving.add_argument("--data-dir", type=Path, required=True)
        serving.add_argument("--url")
        options = serving.parse_args()
        asyncio.run(serve(options.serve, options.api, options.data_dir, options.url))
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--latency", default="100", help="Bot API round trips in ms, comma-separated")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds each run's clients walk")
    parser.add_argument("--think", type=float, default=2.0, help="seconds a client takes to answer")
    parser.add_argument("--mode", default="polling,webhook", help="polling, webhook or both")
    parser.add_argument("--url", help="a scratch PostgreSQL database (its schema is dropped and recreated)")
    sys.exit(asyncio.run(main(parser.parse_args())))
