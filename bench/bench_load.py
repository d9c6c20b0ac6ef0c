"""Several bot instances under load: webhook mode on PostgreSQL behind nginx, 1 and then 2 instances in the same
run, then the leader killed (SIGKILL) while clients keep writing.

    .venv/bin/python bench/bench_load.py --url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_load
    .venv/bin/python bench/bench_load.py --url ... --clients 150 --latency 100 --duration 40 --instances 1,2,3

`--url` must name a scratch PostgreSQL database: its `public` schema is dropped and recreated for each run.
nginx must be installed (Debian: apt-get install nginx-light); the script starts it itself with a generated
configuration in a temporary directory, on a free port above 1024, as `deploy/nginx.conf` does in production.

Each run: a fresh schema (`run_bot.py migrate`), a demo pool (`run_bot.py seed-demo --force`) so that
suggestions have someone to show, then N real `run_bot.py run` processes in webhook mode, each on its own
port, sharing the database and the keys, and nginx in front of them (round robin, keep-alive, a dead instance
taken out after one failed connection). Readiness: each instance's `/healthz` on its admin port (`ADMIN_PORT`)
when this version has one, else its webhook port accepting connections; then its setWebhook call.

The Bot API double (`tests/fake_bot_api.py`, in this process) answers every call after `--latency` ms. The
simulated clients (`bench_latency.RemoteClient`; think time `--think`, 0.6 s) post their updates to nginx as
Telegram would (after half a round trip), registering (`tests/journey_walk.py`) and then asking for
suggestions (/matches) and pressing Interested or Pass on each card; a demo client answers an Interested after
`DEMO_ANSWER_SECONDS` through a scheduled job run by the leader, and an introduction goes out through
the leader's outbox. A webhook call that fails (502 while an instance dies) is delivered again a second later,
as Telegram does.

Printed per run, per instance (which one answered: nginx's `X-Upstream` header) and in total:
  updates/s  handled once every client has started, until the end
  handling   the webhook call's time at the proxy: the update handled, committed and its replies sent
  reply      from the client's update to the last of the bot's calls for it reaching the double
  errors     failed or unanswered updates, errors logged by the instances; redelivered webhook calls
  CPU        of each instance, nginx, PostgreSQL (all its processes) and this process (clients and double)
and the ratio of the 2-instance to the 1-instance throughput (the scaling figure; target >= 1.6x on 2 cores).

Failover (after the last run, with the same instances): new clients walk for `--failover-duration` seconds and
at `--kill-at` of it (60 %) the leader (the instance whose /readyz says so, else the one owning the connection
that holds the leader lock) is killed with SIGKILL. Printed: how long until another instance held the leader
lock, until the first scheduled job finished and the first outbox message was sent after the kill; then, once
everything due was sent: what was lost (outbox rows never sent, due jobs never run, updates never answered) and
doubled (the same message twice to one chat at the double with no update of that person between the two;
a worker-sent row's message id seen other than once).
Replies caught in the crash come later through the outbox (after `DELIVERY_LEASE_SECONDS`, 10 s here): the
clients wait for them, and their count and delay are printed.

The bot sends at up to `--rate` messages per second (DELIVERY_RATE_PER_SECOND; default here 1000, so that the
figures show the bot's own capacity), shared by its instances: each counts the others and paces itself at its
share. Telegram allows a bot about 30 messages/s in all; with `--rate 30` that is the ceiling, whatever the
number of instances.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))  # `tests` and the sibling benchmark are not installed packages

from aiogram.methods import TelegramMethod  # noqa: E402
from aiogram.types import Update  # noqa: E402
from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector  # noqa: E402
from bench_latency import SECRET, TOKEN, RemoteClient, Tally, TimeUpError, Transport, _chat_of, percentile  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bot.delivery.leadership import LEADER_LOCK_KEY  # noqa: E402
from domain.delivery import ChatAddress, OutboundMessage  # noqa: E402
from handlers.services.casework.jobs import FOLLOW_UP_DIGEST  # noqa: E402
from handlers.services.settings import Settings  # noqa: E402
from storage.database import Database  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.keys import KeyMaterial, b64decode, b64encode, generate_master_key, parse_encryption_keys  # noqa: E402
from storage.repositories.delivery import enqueue, schedule  # noqa: E402
from tests.db_fixtures import reset_postgres_schema  # noqa: E402
from tests.fake_bot_api import FakeBotAPI, running_fake_bot_api  # noqa: E402
from tests.journey_walk import register  # noqa: E402

HOOK_PATH = "/tg/hook"
PUBLIC_HOOK = "https://bench.example.org" + HOOK_PATH
REDELIVERY_DELAY = 1.0
REDELIVERIES = 30
START_TIMEOUT = 120.0
DEMO_ANSWER_SECONDS = 2
LEASE_SECONDS = 10  # DELIVERY_LEASE_SECONDS: a dead leader's claimed messages are sent again after this
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument")
MATCH_ROUNDS = 6
REPLY_PATIENCE = 60.0  # seconds past the lease a client waits for a reply caught in a crash before calling it lost
REMINDER_EVERY = 0.25  # seconds between two timed reminders during the failover run
HAS_ADMIN_PORT = "admin_port" in Settings.model_fields


# --- the proxy ---------------------------------------------------------------------------------------------
NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream yuelao {{
{servers}
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location = {hook} {{
            proxy_pass http://yuelao;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def running_nginx(ports: list[int], scratch: Path) -> AsyncIterator[str]:
    nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/local/sbin")
    if nginx is None:
        raise SystemExit("nginx is not installed: apt-get install nginx-light (or nginx)")
    directory = scratch / f"nginx-{'-'.join(map(str, ports))}"
    directory.mkdir(parents=True)
    port = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;" for p in ports)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = directory / "nginx.conf"
    config.write_text(NGINX_CONF.format(user=user, dir=directory, servers=servers, port=port, hook=HOOK_PATH))
    process = await asyncio.create_subprocess_exec(
        nginx, "-p", str(directory), "-c", str(config), stderr=asyncio.subprocess.PIPE
    )
    try:
        await wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}{HOOK_PATH}"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
            await process.wait()


async def wait_for_port(port: int, process: asyncio.subprocess.Process, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"process {process.pid} exited with {process.returncode} before listening")
        with contextlib.suppress(OSError):
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout:.0f} s")


# --- the instances -----------------------------------------------------------------------------------------
@dataclass
class Instance:
    number: int
    port: int
    admin_port: int | None
    process: asyncio.subprocess.Process
    log: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def errors(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return [line for line in lines if " ERROR " in line or '"level": "ERROR"' in line or "Traceback" in line]


def instance_environment(
    api: FakeBotAPI, url: str, keys: dict[str, str], data_dir: Path, rate: float
) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "ADMIN_", "BOT_"))}
    environment.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=api.base_url,
        WEBHOOK_URL=PUBLIC_HOOK,
        WEBHOOK_SECRET=SECRET,
        DATABASE_URL=url,
        DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",
        DEMO_ANSWER_SECONDS=str(DEMO_ANSWER_SECONDS),
        DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        DELIVERY_RATE_PER_SECOND=str(rate),
        ADMIN_IDS="",
        **keys,
    )
    return environment


async def run_cli(environment: dict[str, str], *args: str) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "run_bot.py"),
        *args,
        env=environment,
        cwd=environment["DATA_DIR"],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"run_bot.py {' '.join(args)} failed: {output.decode(errors='replace')[-2000:]}")


async def start_instance(number: int, environment: dict[str, str], scratch: Path) -> Instance:
    port = free_port()
    admin_port = free_port() if HAS_ADMIN_PORT else None
    data_dir = scratch / f"instance-{number}-{port}"
    data_dir.mkdir(parents=True)
    log = data_dir / "stderr.log"
    env = {**environment, "DATA_DIR": str(data_dir), "WEBHOOK_LISTEN_PORT": str(port)}
    if admin_port is not None:
        env["ADMIN_PORT"] = str(admin_port)
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "run_bot.py"), "run", env=env, cwd=data_dir, stdout=stderr, stderr=stderr
        )
    return Instance(number, port, admin_port, process, log)


async def wait_ready(instance: Instance, http: ClientSession) -> None:
    if instance.admin_port is None:
        await wait_for_port(instance.port, instance.process)
        return
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if instance.process.returncode is not None:
            raise RuntimeError(f"instance {instance.number} exited: {instance.log.read_text()[-2000:]}")
        with contextlib.suppress(ClientError, OSError):
            async with http.get(f"http://127.0.0.1:{instance.admin_port}/healthz") as response:
                if response.status == 200:
                    await wait_for_port(instance.port, instance.process)
                    return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"instance {instance.number} not healthy after {START_TIMEOUT:.0f} s")


async def stop_instance(instance: Instance) -> None:
    if instance.process.returncode is None:
        instance.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(instance.process.wait(), 30)
        except TimeoutError:
            instance.process.kill()
            await instance.process.wait()


async def leader_of(instances: list[Instance], http: ClientSession, engine: AsyncEngine) -> Instance | None:
    """The instance that leads: its /readyz says so; without an admin port, the one whose process owns the
    PostgreSQL connection holding the leader lock (matched by the connection's client port)."""
    for instance in instances:
        if instance.admin_port is None or instance.process.returncode is not None:
            continue
        with contextlib.suppress(ClientError, OSError, ValueError):
            async with http.get(f"http://127.0.0.1:{instance.admin_port}/readyz") as response:
                if (await response.json(content_type=None)).get("leader") == "this instance":
                    return instance
    async with engine.connect() as connection:
        client_port = await connection.scalar(
            text(
                "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted"
            ),
            {"key": LEADER_LOCK_KEY},
        )
    if client_port is None:
        return None
    for instance in instances:
        with contextlib.suppress(OSError):
            if f":{int(client_port):04X} " in _tcp_of(instance.process.pid):
                return instance
    return None


def _tcp_of(pid: int) -> str:
    return Path(f"/proc/{pid}/net/tcp").read_text() + Path(f"/proc/{pid}/net/tcp6").read_text()


# --- the clients -------------------------------------------------------------------------------------------
@dataclass
class Handled:
    sent_at: float
    handling: float
    reply: float
    upstream: str


@dataclass
class Results:
    handled: list[Handled] = field(default_factory=list)
    redelivered: int = 0
    late: list[float] = field(default_factory=list)  # seconds a reply came after the webhook's 200
    posted: list[tuple[int, float]] = field(default_factory=list)  # (chat, loop time) of each update, once


class ProxyTransport(Transport):
    """Posts each update to nginx as Telegram would, and delivers it again while the answer is not 200."""

    def __init__(self, api: FakeBotAPI, url: str, http: ClientSession, results: Results) -> None:
        super().__init__(api, url, http)
        self.results = results
        self.upstream: dict[int, tuple[str, float]] = {}

    async def deliver(self, update: Update) -> None:
        assert self.http is not None and self.hook_url is not None
        body = update.model_dump(mode="json", exclude_none=True, by_alias=True)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        await asyncio.sleep(self.api.latency / 2)  # Telegram's way to the webhook
        loop = asyncio.get_running_loop()
        status = 0
        first_call = len(self.api.calls)
        self.results.posted.append((_update_chat(update), loop.time()))
        for _ in range(REDELIVERIES):
            started = loop.time()
            try:
                async with self.http.post(self.hook_url, json=body, headers=headers) as response:
                    status = response.status
                    upstream = response.headers.get("X-Upstream", "?").split(",")[-1].strip()
                    await response.read()
            except (ClientError, OSError):
                status = 0
            if status == 200:
                self.upstream[update.update_id] = (upstream, loop.time() - started)
                await self._reply_through_outbox(update, first_call)
                return
            self.results.redelivered += 1
            await asyncio.sleep(REDELIVERY_DELAY)
        raise RuntimeError(f"webhook answered {status} {REDELIVERIES} times")

    async def _reply_through_outbox(self, update: Update, first_call: int) -> None:
        """Answered 200 without a reply: the update was committed by an instance that died before sending (the
        redelivery is dropped as a duplicate), or its reply waits in the outbox behind a reply of the dead
        instance to the same chat. The worker sends them when the dead instance's lease runs out: wait for that
        (a reply that never comes is counted lost by the client)."""
        chat = _update_chat(update)
        calls = self.api.calls

        def answered() -> bool:
            return any(_chat_of(call) == chat for call in calls[first_call:])

        if answered():
            return
        waited_from = asyncio.get_running_loop().time()
        with contextlib.suppress(TimeoutError):
            await self.api.wait_until(answered, timeout=LEASE_SECONDS + REPLY_PATIENCE)
        if answered():
            self.results.late.append(asyncio.get_running_loop().time() - waited_from)


def _update_chat(update: Update) -> int:
    if update.message is not None:
        return update.message.chat.id
    assert update.callback_query is not None
    return update.callback_query.from_user.id


class LoadClient(RemoteClient):
    def __init__(self, transport: ProxyTransport, *args: Any, **kwargs: Any) -> None:
        super().__init__(transport, *args, **kwargs)
        self.proxy = transport

    async def _feed(self, update: Update) -> list[TelegramMethod[Any]]:
        methods = await super()._feed(update)
        sample = self.tally.samples[-1]  # appended by super()._feed, no await since
        upstream, handling = self.proxy.upstream.pop(update.update_id, ("?", 0.0))
        self.proxy.results.handled.append(Handled(sample.sent_at, handling, sample.reply, upstream))
        return methods


async def walk(client: LoadClient, start_within: float, rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(0, start_within))
    try:
        await register(client)
        for round_number in range(MATCH_ROUNDS):
            await client.send("/matches")
            buttons = client.last_buttons()
            if "💚 Interested" not in buttons:
                break
            await client.click("💚 Interested" if round_number % 2 == 0 or "Pass" not in buttons else "Pass")
    except TimeUpError:
        return
    except Exception as exc:
        client.tally.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")


# --- measuring ---------------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def processes_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU shares of process groups over a phase, sampled every half second: processes that start (PostgreSQL
    backends) or die (a killed instance) are counted while they live."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self.groups = groups
        self.used: dict[str, float] = {}
        self.seconds: dict[str, float] = {}

    async def run(self, stop: asyncio.Event) -> None:
        last: dict[tuple[str, int], float] = {}
        used: dict[str, float] = dict.fromkeys([*self.groups, "clients+double"], 0.0)
        started, own = time.monotonic(), time.process_time()
        first = True
        while True:
            for name, pids in self.groups.items():
                for pid in pids():
                    seconds = cpu_seconds(pid)
                    previous = last.get((name, pid))
                    if previous is not None:
                        used[name] += max(0.0, seconds - previous)
                    elif not first:
                        used[name] += seconds  # started during the phase
                    last[(name, pid)] = seconds
            first = False
            if stop.is_set():
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)
        used["clients+double"] = time.process_time() - own
        elapsed = time.monotonic() - started
        self.used = {name: value / elapsed for name, value in used.items()}
        self.seconds = used

    def text(self) -> str:
        return " ".join(f"{name} {share * 100:.0f}%" for name, share in self.used.items())

    def per_update(self, updates: int) -> str:
        """CPU milliseconds per handled update: what a machine needs, whatever else shares this one."""
        if not updates:
            return "no updates"
        bots = sum(value for name, value in self.seconds.items() if name.startswith("bot"))
        parts = {"bot instances": bots, **{k: v for k, v in self.seconds.items() if not k.startswith("bot")}}
        return ", ".join(f"{name} {value / updates * 1000:.1f} ms" for name, value in parts.items())


@dataclass
class RunFigures:
    instances: int
    throughput: float
    lines: list[str]


def figures_line(label: str, rows: list[Handled], window: float) -> tuple[str, float]:
    if not rows:
        return f"  {label:<16} no updates", 0.0
    throughput = len(rows) / window
    handling = [row.handling for row in rows]
    replies = [row.reply for row in rows]
    return (
        f"  {label:<16} {throughput:7.1f} updates/s | handling p50 {statistics.median(handling) * 1000:5.0f} ms "
        f"p99 {percentile(handling, 0.99) * 1000:5.0f} ms | reply p50 {statistics.median(replies) * 1000:5.0f} ms "
        f"p99 {percentile(replies, 0.99) * 1000:5.0f} ms",
        throughput,
    )


@dataclass
class Failover:
    killed_at: datetime
    killed_loop: float
    leader_after: float | None = None
    job_after: float | None = None
    outbox_after: float | None = None


async def watch_failover(
    engine: AsyncEngine, failover: Failover, old_leader_pid: int | None, stop: asyncio.Event
) -> None:
    """After the kill: when a new backend holds the leader lock, when a job finished, when a worker sent."""
    loop = asyncio.get_running_loop()
    while not stop.is_set() and None in (failover.leader_after, failover.job_after, failover.outbox_after):
        with contextlib.suppress(Exception):
            async with engine.connect() as connection:
                holder = await connection.scalar(
                    text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted"),
                    {"key": LEADER_LOCK_KEY},
                )
                job = await connection.scalar(
                    text("SELECT count(*) FROM scheduled_jobs WHERE state = 'done' AND finished_at > :t"),
                    {"t": failover.killed_at},
                )
                sent = await connection.scalar(
                    text(
                        "SELECT count(*) FROM outbox_messages WHERE state = 'sent' AND NOT reply AND finished_at > :t"
                    ),
                    {"t": failover.killed_at},
                )
            elapsed = loop.time() - failover.killed_loop
            if failover.leader_after is None and holder is not None and holder != old_leader_pid:
                failover.leader_after = elapsed
            if failover.job_after is None and job:
                failover.job_after = elapsed
            if failover.outbox_after is None and sent:
                failover.outbox_after = elapsed
        await asyncio.sleep(0.1)


async def leader_lock_pid(engine: AsyncEngine) -> int | None:
    async with engine.connect() as connection:
        pid = await connection.scalar(
            text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND granted"),
            {"key": LEADER_LOCK_KEY},
        )
    return None if pid is None else int(pid)


async def settle_and_count(
    engine: AsyncEngine, api: FakeBotAPI, timeout: float, posted: list[tuple[int, float]], since: int = 0
) -> list[str]:
    """Wait until nothing due is left to send or run, then compare the double with the database.

    The same message twice to one chat is a double only when the person sent nothing between the two (the
    bot sent it again of itself: a crash's at-least-once window, or a lease taken over); the same question
    asked again after the person wrote (an answer it could not take, a stale button pressed) is the
    conversation, counted apart."""
    unfinished_sql = text(
        "SELECT (SELECT count(*) FROM outbox_messages WHERE state IN ('pending', 'sending') "
        "AND not_before <= now() AND NOT reply), "
        "(SELECT count(*) FROM outbox_messages WHERE state IN ('pending', 'sending') AND reply), "
        "(SELECT count(*) FROM scheduled_jobs WHERE state = 'pending' AND due_at <= now())"
    )
    deadline = time.monotonic() + timeout
    while True:
        async with engine.connect() as connection:
            outbox_left, replies_left, jobs_left = (await connection.execute(unfinished_sql)).one()
        if (outbox_left == replies_left == jobs_left == 0) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)
    async with engine.connect() as connection:
        sent_ids = [
            int(row[0])
            for row in await connection.execute(
                text("SELECT sent_message_id FROM outbox_messages WHERE state = 'sent' AND NOT reply")
            )
        ]
        failed = await connection.scalar(text("SELECT count(*) FROM outbox_messages WHERE state = 'failed'"))
        job_rows = await connection.execute(text("SELECT state, count(*) FROM scheduled_jobs GROUP BY state"))
        jobs = {str(row[0]): int(row[1]) for row in job_rows}
    every_send = [call for call in api.calls if call.method in SEND_METHODS]
    received = Counter(int(call.result["message_id"]) for call in every_send if isinstance(call.result, dict))
    sends = [call for call in api.calls[since:] if call.method in SEND_METHODS]
    missing = [mid for mid in sent_ids if received[mid] != 1]
    seen: dict[tuple[str, str, str], list[float]] = {}
    for call in sends:
        key = (
            str(call.params.get("chat_id")),
            str(call.params.get("text") or call.params.get("caption")),
            json.dumps(call.params.get("reply_markup"), sort_keys=True),
        )
        seen.setdefault(key, []).append(call.at)
    updates_of: dict[str, list[float]] = {}
    for chat, at in posted:
        updates_of.setdefault(str(chat), []).append(at)
    doubled: dict[tuple[str, str, str], int] = {}
    asked_again = 0
    for key, times in seen.items():
        for before, after in itertools.pairwise(times):
            if any(before < at < after for at in updates_of.get(key[0], [])):
                asked_again += 1
            else:
                doubled[key] = doubled.get(key, 1) + 1
    lines = [
        f"  the double received {len(sends)} sends; the database says the worker sent {len(sent_ids)} outbox "
        f"messages (all runs so far), {len(missing)} of them not received exactly once",
        f"  left unsent: {outbox_left} outbox messages, {replies_left} replies; due jobs not run: {jobs_left}; "
        f"failed outbox messages: {failed}; jobs by state: {jobs}",
        f"  the same message twice to one chat with nothing from the person between: "
        f"{sum(count - 1 for count in doubled.values())} (asked again after the person wrote: {asked_again})",
    ]
    for (_chat, content, _markup), count in list(doubled.items())[:5]:
        lines.append(f"    x{count}: {content[:70]!r}")
    return lines


REMINDER_CHAT = 900_000_000
REMINDER_TEXT = "bench reminder {number}"


async def arm_reminders(url: str, keys: dict[str, str], seconds: float, every: float) -> int:
    """Timers due every `every` seconds over the next `seconds`, as reminders are: a scheduled job (a
    counselors' digest of a past day: it finds nothing to send) and an outbox message held until its time
    (`not_before`), each to a chat of its own. Returns how many of each."""
    material = KeyMaterial(parse_encryption_keys(keys["ENCRYPTION_KEYS"]), b64decode(keys["BLIND_INDEX_KEY"]))
    database = await Database.open(url, material, migrate=False)
    count = int(seconds / every)
    try:
        async with database.unit_of_work() as uow:
            start = datetime.now(UTC)
            for number in range(count):
                due = start + timedelta(seconds=every * (number + 1))
                await schedule(uow, FOLLOW_UP_DIGEST, (date(2001, 1, 1) + timedelta(days=number)).isoformat(), due)
                await enqueue(
                    uow,
                    ChatAddress.telegram(REMINDER_CHAT + number),
                    OutboundMessage(REMINDER_TEXT.format(number=number)),
                    not_before=due,
                    dedupe_key=f"bench-reminder-{number}",
                )
    finally:
        await database.close()
    return count


async def reminder_lines(engine: AsyncEngine, api: FakeBotAPI, count: int, killed_at: datetime | None) -> list[str]:
    """Each reminder sent and run exactly once, and how late those due after the kill were."""
    received = Counter(
        str(call.params.get("text")) for call in api.calls if int(call.params.get("chat_id") or 0) >= REMINDER_CHAT
    )
    texts = [REMINDER_TEXT.format(number=number) for number in range(count)]
    missing = sum(1 for text_ in texts if received[text_] == 0)
    doubled = sum(received[text_] - 1 for text_ in texts if received[text_] > 1)
    async with engine.connect() as connection:
        done = await connection.scalar(
            text("SELECT count(*) FROM scheduled_jobs WHERE kind = :kind AND ref_id < '2010' AND state = 'done'"),
            {"kind": FOLLOW_UP_DIGEST},
        )
        late_jobs = await connection.scalar(
            text(
                "SELECT max(extract(epoch FROM finished_at - due_at)) FROM scheduled_jobs "
                "WHERE kind = :kind AND ref_id < '2010' AND due_at > :t"
            ),
            {"kind": FOLLOW_UP_DIGEST, "t": killed_at or datetime.min.replace(tzinfo=UTC)},
        )
        late_outbox = await connection.scalar(
            text(
                "SELECT max(extract(epoch FROM finished_at - not_before)) FROM outbox_messages "
                "WHERE NOT reply AND state = 'sent' AND not_before > :t"
            ),
            {"t": killed_at or datetime.min.replace(tzinfo=UTC)},
        )
    after = "due after the kill" if killed_at else "due"
    return [
        f"  reminders: {count} timed outbox messages, {missing} never received, {doubled} received twice; "
        f"{count} timed jobs, {done} done; the latest of those {after}: job {float(late_jobs or 0):.1f} s, "
        f"outbox message {float(late_outbox or 0):.1f} s after its time"
    ]


def _seconds(value: float | None) -> str:
    return "not seen" if value is None else f"{value:.1f} s"


# --- one run -----------------------------------------------------------------------------------------------
@dataclass
class Phase:
    """One group of clients walking for a while against the proxy."""

    results: Results
    tally: Tally
    meter: CpuMeter
    window: float
    window_start: float

    def steady(self) -> list[Handled]:
        end = self.window_start + self.window
        return [h for h in self.results.handled if self.window_start <= h.sent_at <= end]


async def walk_phase(
    api: FakeBotAPI,
    proxy_url: str,
    http: ClientSession,
    instances: list[Instance],
    arguments: argparse.Namespace,
    *,
    first_user: int,
    duration: float,
    seed: int,
    during: Callable[[], Any] | None = None,
) -> Phase:
    results, tally = Results(), Tally()
    meter = CpuMeter(
        {
            **{f"bot{i.number}": _pids_while_alive(i) for i in instances},
            "nginx": lambda: processes_named("nginx"),
            "postgres": lambda: processes_named("postgres"),
        }
    )
    transport = ProxyTransport(api, proxy_url, http, results)
    loop = asyncio.get_running_loop()
    deadline = time.monotonic() + duration
    window_start = loop.time() + arguments.think  # every client has started by then
    rng = random.Random(seed)
    walkers = [
        LoadClient(transport, tally, arguments.think, deadline, user_id=first_user + n)
        for n in range(arguments.clients)
    ]
    stop_meter = asyncio.Event()
    metering = asyncio.create_task(meter.run(stop_meter))
    walking = asyncio.gather(*(walk(client, arguments.think, rng) for client in walkers))
    if during is not None:
        await during()
    await walking
    stop_meter.set()
    await metering
    return Phase(results, tally, meter, duration - arguments.think, window_start)


def _pids_while_alive(instance: Instance) -> Callable[[], list[int]]:
    return lambda: [instance.process.pid] if instance.process.returncode is None else []


def phase_lines(label: str, phase: Phase, instances: list[Instance]) -> tuple[list[str], float]:
    steady = phase.steady()
    total_line, throughput = figures_line(label, steady, phase.window)
    lines = [total_line]
    for instance in instances:
        mine = [h for h in steady if h.upstream == instance.address]
        lines.append(figures_line(f"  instance {instance.number}", mine, phase.window)[0])
    bot_errors = [e for i in instances for e in i.errors()]
    lines.append(
        f"  errors: {len(phase.tally.errors)} client, {len(bot_errors)} logged by instances; webhook calls "
        f"delivered again: {phase.results.redelivered}; updates answered: {len(phase.results.handled)}"
    )
    if phase.results.late:
        lines.append(
            f"  replies that came later through the outbox: {len(phase.results.late)}, "
            f"up to {max(phase.results.late):.1f} s after the webhook's answer"
        )
    lines.extend(f"    {error[:200]}" for error in (phase.tally.errors + bot_errors)[:4])
    lines.append(f"  CPU (share of one core): {phase.meter.text()}; load average {os.getloadavg()[0]:.1f}")
    lines.append(f"  CPU per update answered: {phase.meter.per_update(len(phase.results.handled))}")
    return lines, throughput


async def run_instances(
    count: int, arguments: argparse.Namespace, scratch: Path, keys: dict[str, str], *, failover: bool
) -> RunFigures:
    url = arguments.url
    await reset_postgres_schema(url)
    engine = create_engine(url)
    lines: list[str] = []
    async with running_fake_bot_api(latency=arguments.latency / 1000) as api:
        setup_dir = scratch / f"setup-{count}"
        setup_dir.mkdir()
        environment = instance_environment(api, url, keys, setup_dir, arguments.rate)
        await run_cli(environment, "migrate")
        await run_cli(environment, "seed-demo", "--force", "--count", str(arguments.demo))
        instances: list[Instance] = []
        try:
            async with ClientSession(connector=TCPConnector(limit=0), timeout=ClientTimeout(total=120)) as http:
                for number in range(1, count + 1):  # one after the other: the first becomes the leader
                    instance = await start_instance(number, environment, scratch)
                    instances.append(instance)
                    await wait_ready(instance, http)
                await api.wait_for("setWebhook", count=count, timeout=START_TIMEOUT)
                async with running_nginx([i.port for i in instances], scratch) as proxy_url:
                    phase = await walk_phase(
                        api,
                        proxy_url,
                        http,
                        instances,
                        arguments,
                        first_user=810_000_000,
                        duration=arguments.duration,
                        seed=count,
                    )
                    phase_text, throughput = phase_lines(f"{count} instance(s)", phase, instances)
                    lines.extend(phase_text)
                    lines.extend(await settle_and_count(engine, api, LEASE_SECONDS + 20, phase.results.posted))
                    if failover:
                        lines.extend(await failover_phase(api, proxy_url, http, instances, arguments, engine, keys))
        finally:
            for instance in instances:
                await stop_instance(instance)
            await engine.dispose()
    return RunFigures(count, throughput, lines)


async def failover_phase(
    api: FakeBotAPI,
    proxy_url: str,
    http: ClientSession,
    instances: list[Instance],
    arguments: argparse.Namespace,
    engine: AsyncEngine,
    keys: dict[str, str],
) -> list[str]:
    """New clients walk while the leader is killed (`--kill-at`); then the accounts are compared."""
    lines: list[str] = []
    kill: list[Failover] = []
    stop_watching = asyncio.Event()
    watchers: list[asyncio.Task[None]] = []

    async def kill_the_leader() -> None:
        await asyncio.sleep(arguments.failover_duration * arguments.kill_at)
        leader = await leader_of(instances, http, engine)
        old_pid = await leader_lock_pid(engine)
        if leader is None:
            lines.append("  failover: no leader found to kill")
            return
        leader.process.send_signal(signal.SIGKILL)
        kill.append(Failover(datetime.now(UTC), asyncio.get_running_loop().time()))
        lines.append(
            f"  killed the leader, instance {leader.number}, with SIGKILL at {arguments.kill_at:.0%} of the run"
        )
        watchers.append(asyncio.create_task(watch_failover(engine, kill[0], old_pid, stop_watching)))

    since = len(api.calls)
    reminders = await arm_reminders(arguments.url, keys, arguments.failover_duration, REMINDER_EVERY)
    phase = await walk_phase(
        api,
        proxy_url,
        http,
        instances,
        arguments,
        first_user=820_000_000,
        duration=arguments.failover_duration,
        seed=99,
        during=kill_the_leader,
    )
    phase_text, _ = phase_lines("failover run", phase, instances)
    settle = await settle_and_count(engine, api, LEASE_SECONDS + 20, phase.results.posted, since=since)
    stop_watching.set()
    for watcher in watchers:
        await watcher
    if kill:
        lines.append(
            f"  failover: leader lock taken over after {_seconds(kill[0].leader_after)}; first job finished after "
            f"{_seconds(kill[0].job_after)}; first outbox message sent after {_seconds(kill[0].outbox_after)} "
            f"(standbys retry every 5 s; DELIVERY_LEASE_SECONDS {LEASE_SECONDS})"
        )
    reminder_text = await reminder_lines(engine, api, reminders, kill[0].killed_at if kill else None)
    return [*phase_text, *lines, *settle, *reminder_text]


async def main(arguments: argparse.Namespace) -> int:
    counts = [int(value) for value in arguments.instances.split(",")]
    master = generate_master_key("bench")
    keys = {"ENCRYPTION_KEYS": master.encoded(), "BLIND_INDEX_KEY": b64encode(os.urandom(32))}
    load = os.getloadavg()
    print(
        f"bench_load: {arguments.clients} clients, {arguments.latency:.0f} ms Bot API round trip, "
        f"{arguments.duration:.0f} s per run, think {arguments.think} s, {arguments.rate:.0f} sends/s allowed "
        f"to the bot, {os.cpu_count()} CPUs, "
        f"load average before {load[0]:.2f}"
    )
    figures: list[RunFigures] = []
    with contextlib.ExitStack() as stack:
        if arguments.scratch is not None:
            arguments.scratch.mkdir(parents=True, exist_ok=True)
            scratch = str(arguments.scratch)
        else:
            scratch = stack.enter_context(tempfile.TemporaryDirectory())
        for count in counts:
            run = await run_instances(
                count, arguments, Path(scratch), keys, failover=arguments.failover and count == max(counts)
            )
            figures.append(run)
            print("\n".join(run.lines), flush=True)
    base = next((run.throughput for run in figures if run.instances == 1), None)
    for run in figures:
        if base and run.instances > 1:
            ratio = run.throughput / base
            print(f"scaling: {run.instances} instances / 1 = {ratio:.2f}x (target >= 1.6x)")
    print(f"load average after {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a scratch PostgreSQL database (its schema is dropped)")
    parser.add_argument("--clients", type=int, default=150)
    parser.add_argument("--latency", type=float, default=100.0, help="Bot API round trip in ms")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds the clients walk per run")
    parser.add_argument("--think", type=float, default=0.6, help="seconds a client takes to answer")
    parser.add_argument("--instances", default="1,2", help="instance counts, one run each")
    parser.add_argument("--demo", type=int, default=300, help="demo clients to suggest")
    parser.add_argument(
        "--rate",
        type=float,
        default=1000.0,
        help="DELIVERY_RATE_PER_SECOND, shared by the instances (Telegram allows a bot 30: that caps a real bot first)",
    )
    parser.add_argument("--failover-duration", type=float, default=50.0, help="seconds of the failover run")
    parser.add_argument("--kill-at", type=float, default=0.6, help="when the leader is killed (share of that run)")
    parser.add_argument("--no-failover", dest="failover", action="store_false")
    parser.add_argument("--scratch", type=Path, help="keep the instances' logs and nginx files here")
    sys.exit(asyncio.run(main(parser.parse_args())))
