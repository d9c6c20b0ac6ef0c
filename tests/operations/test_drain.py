"""Graceful drain on SIGTERM: stop taking updates, let the one in flight finish, then exit 0.

The process test runs `run_bot.py run` polling a Bot API double (SQLite in a temporary DATA_DIR, the admin port
on, JSON logs). A person's /start is in flight (its reply held at the double) when SIGTERM arrives: /readyz turns
503 while /healthz stays 200, the poller fetches no more updates, and once the reply is let through the update
finishes, its offset is acknowledged (if it was not already at its commit) and the process exits with 0.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import ClientError, ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from bot.observability.drain import Drain
from tests.fake_bot_api import Call, running_fake_bot_api

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:" + "D" * 35
PERSON = 73_001
START_UP = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def status_of(http: ClientSession, url: str) -> int | None:
    try:
        async with http.get(url) as response:
            return response.status
    except ClientError:
        return None


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    """Wait for a condition of another process, looking again every few milliseconds."""
    async with asyncio.timeout(timeout):
        while not await condition():  # noqa: ASYNC110 (another process: no event to await)
            await asyncio.sleep(0.02)


async def test_sigterm_finishes_the_update_in_flight_and_exits_cleanly(tmp_path: Path) -> None:
    reply_held, release = asyncio.Event(), asyncio.Event()

    async def hold_the_reply(call: Call) -> None:
        if call.method == "sendMessage" and call.params.get("chat_id") == str(PERSON):
            reply_held.set()
            await release.wait()

    port = free_port()
    admin = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "bot.log"
    async with running_fake_bot_api() as api, ClientSession() as http:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": api.base_url,
            "DATA_DIR": str(tmp_path / "data"),
            "ADMIN_PORT": str(port),
            "LOG_FORMAT": "json",
            "DRAIN_SECONDS": "30",
        }
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "run_bot.py"), "run", cwd=tmp_path, env=environment, stdout=log, stderr=log
            )
        try:
            await until(lambda: _is(http, f"{admin}/readyz", 200), timeout=START_UP)
            await api.wait_until(lambda: bool(api.polls), timeout=START_UP)
            api.hold = hold_the_reply
            update_id = api.push_text(PERSON, "/start")
            await asyncio.wait_for(reply_held.wait(), 30)

            process.send_signal(signal.SIGTERM)
            await until(lambda: _is(http, f"{admin}/readyz", 503))
            assert await status_of(http, f"{admin}/healthz") == 200  # alive while draining
            polls_at_drain = len(api.polls)
            assert process.returncode is None  # waiting for the update in flight (committed, its reply held)

            release.set()
            exit_code = await asyncio.wait_for(process.wait(), 60)
        finally:
            release.set()
            if process.returncode is None:
                process.kill()
                await process.wait()
    log_text = log_path.read_text(errors="replace")
    assert exit_code == 0, log_text[-4000:]

    replies = [c for c in api.calls if c.method == "sendMessage" and c.params.get("chat_id") == str(PERSON)]
    assert len(replies) == 1 and "Welcome" in replies[0].params["text"]  # the update in flight finished
    assert api.acknowledged == update_id + 1  # and Telegram was told so
    after = api.polls[polls_at_drain:]
    timeouts = [int(p.params.get("timeout", 0)) for p in after]
    assert timeouts[-1:] == [0]  # the last one only acknowledges
    assert len([t for t in timeouts if t]) <= 1  # at most one long poll, already on its way at the signal

    entries = [json.loads(line) for line in log_text.splitlines() if line.strip()]  # JSON logs, one per line
    messages = [entry["message"] for entry in entries]
    assert "draining: taking no new updates" in messages
    assert "polling stopped" in messages and messages[-1] == "stopped"
    assert str(PERSON) not in log_text


async def _is(http: ClientSession, url: str, status: int) -> bool:
    return await status_of(http, url) == status


async def test_a_draining_webhook_refuses_new_updates_and_waits_for_those_in_flight() -> None:
    drain = Drain(grace=30)
    entered, release = asyncio.Event(), asyncio.Event()

    async def handle(_: web.Request) -> web.Response:
        entered.set()
        await release.wait()
        return web.Response(text="handled")

    app = web.Application(middlewares=[drain.middleware])
    app.router.add_post("/webhook", handle)
    async with TestClient(TestServer(app)) as client:
        in_flight = asyncio.ensure_future(client.post("/webhook"))
        await entered.wait()
        drain.begin()
        refused = await client.post("/webhook")
        assert (refused.status, refused.headers["Retry-After"]) == (503, "5")  # Telegram tries again later
        waiting = asyncio.ensure_future(drain.until_idle())
        await asyncio.sleep(0)
        assert not waiting.done() and drain.in_flight == 1
        release.set()
        assert await waiting is True
        response = await in_flight
        assert (response.status, await response.text()) == (200, "handled")


async def test_a_drain_that_runs_out_of_time_says_so() -> None:
    drain = Drain(grace=0)
    entered, release = asyncio.Event(), asyncio.Event()

    async def handle(_: web.Request) -> web.Response:
        entered.set()
        await release.wait()
        return web.Response(text="late")

    app = web.Application(middlewares=[drain.middleware])
    app.router.add_post("/webhook", handle)
    async with TestClient(TestServer(app)) as client:
        in_flight = asyncio.ensure_future(client.post("/webhook"))
        await entered.wait()
        drain.begin()
        assert await drain.until_idle() is False
        release.set()
        await in_flight

