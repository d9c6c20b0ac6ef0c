"""SIGKILL of a real bot process while updates are in flight, then a restart.

`run_bot.py run` polls a Bot API double served here on 127.0.0.1 (SQLite in a temporary DATA_DIR). Six people
start the bot; then each agrees to the terms and gives a name. The replies to three of them are held at the
double (they never reach Telegram) while the other three are answered; the process is killed, restarted, and
left to finish. Then: every update Telegram was told is done (the offset passed it) has its effect in the
database, nobody got the same reply twice, and no update's effect happened twice.

After a crash a reply that was decided and committed but not sent goes out through the outbox once its lease
runs out (`DELIVERY_LEASE_SECONDS`, short here). The kill comes while the held people's updates are in flight
and no quick person's reply is between its Bot API call and the commit that records it: a crash there (a
window of one commit) is the one case where a reply can go out twice, as with any at-least-once delivery.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.runner import opened_app
from domain.clock import SystemClock
from handlers.services.settings import Settings
from tests.fake_bot_api import Call, FakeBotAPI, running_fake_bot_api

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:" + "K" * 35
QUICK = (61_001, 61_002, 61_003)
HELD = (61_004, 61_005, 61_006)
PEOPLE = QUICK + HELD
START_UP = 60.0
LEASE_SECONDS = 10
AFTER_RESTART = 60.0  # much longer than an outbox lease


class BotProcess:
    def __init__(self, tmp_path: Path, api: FakeBotAPI, name: str) -> None:
        self.tmp_path, self.api, self.name = tmp_path, api, name
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": self.api.base_url,
            "DATA_DIR": str(self.tmp_path / "data"),
            "LOG_LEVEL": "INFO",
            "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        with (self.tmp_path / f"{self.name}.log").open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "run_bot.py"),
                "run",
                cwd=self.tmp_path,
                env=environment,
                stdout=log,
                stderr=log,
            )

    def log(self) -> str:
        return (self.tmp_path / f"{self.name}.log").read_text(errors="replace")[-4000:]


def replies_to(api: FakeBotAPI, person: int) -> list[Call]:
    return [c for c in api.calls if c.method == "sendMessage" and c.params.get("chat_id") == str(person)]


def consent_button(welcome: Call) -> tuple[dict[str, Any], str]:
    rows = welcome.params["reply_markup"]["inline_keyboard"]
    agree = next(b for row in rows for b in row if b["text"].startswith("I agree"))
    chat = {"id": int(welcome.params["chat_id"]), "type": "private"}
    message = {"message_id": welcome.result["message_id"], "date": 0, "chat": chat, "text": welcome.params["text"]}
    return message, agree["callback_data"]


async def effects(tmp_path: Path) -> dict[int, tuple[bool, int]]:
    """Per person: has an account, and how many consents are recorded."""
    settings = Settings(_env_file=None, bot_token=TOKEN, data_dir=tmp_path / "data")
    found: dict[int, tuple[bool, int]] = {}
    async with (
        opened_app(settings, SystemClock()) as (_dp, database, _keys, _i18n),
        database.unit_of_work(read_only=True) as uow,
    ):
        for person in PEOPLE:
            account = await uow.accounts.find_by_external("telegram", str(person))
            consents = await uow.consents.list_for(account.id) if account is not None else []
            found[person] = (account is not None, len(consents))
    return found


async def test_sigkill_with_updates_in_flight_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    held_calls: set[int] = set()
    killed = asyncio.Event()

    async def hold_replies_to_three(call: Call) -> None:
        chat = call.params.get("chat_id") or call.params.get("callback_query_id")
        if call.method in ("sendMessage", "answerCallbackQuery") and str(chat) in held_ids:
            held_calls.add(int(held_ids[str(chat)]))
            await killed.wait()
            raise web.HTTPServiceUnavailable()  # the connection is gone: never reached Telegram

    held_ids: dict[str, int] = {}
    async with running_fake_bot_api() as api:
        first = BotProcess(tmp_path, api, "first")
        await first.start()
        try:
            await api.wait_for("setMyCommands", count=3, timeout=START_UP)
            for person in PEOPLE:
                api.push_text(person, "/start")
            welcomes = {p: (await wait_replies(api, p, 1))[0] for p in PEOPLE}

            held_ids.update({str(p): p for p in HELD})
            api.hold = hold_replies_to_three
            consent_ids: dict[int, int] = {}
            consent_queries: dict[int, str] = {}
            for person in PEOPLE:  # the quick ones first: their updates come before the held ones'
                message, data = consent_button(welcomes[person])
                query_id = api.push_callback(person, message, data)
                consent_ids[person] = api.last_update_id
                consent_queries[person] = query_id
                if person in HELD:
                    held_ids[query_id] = person
            for number, person in enumerate(PEOPLE):
                api.push_text(person, f"Li {'ABCDEF'[number]}")
            for person in QUICK:
                await wait_replies(api, person, 3)
            await api.wait_until(lambda: held_calls == set(HELD), timeout=30)
            await until(lambda: sending_rows(tmp_path) == len(HELD))  # only the held replies are on the wire
            first_held = min(consent_ids[p] for p in HELD)
            await api.wait_until(lambda: api.acknowledged >= first_held, timeout=30)
        finally:
            assert first.process is not None
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            killed.set()
        acknowledged_at_kill = api.acknowledged
        api.hold = None

        # Every update acknowledged before the crash has its effect in the database.
        at_kill = await effects(tmp_path)
        assert all(has_account for has_account, _ in at_kill.values()), at_kill
        for person, update_id in consent_ids.items():
            if update_id < acknowledged_at_kill:
                assert at_kill[person][1] == 1, (person, at_kill)

        second = BotProcess(tmp_path, api, "second")
        await second.start()
        try:
            for person in PEOPLE:
                await wait_replies(api, person, 3, timeout=AFTER_RESTART)
            await api.wait_until(lambda: api.acknowledged > api.last_update_id, timeout=30)
        finally:
            assert second.process is not None
            second.process.send_signal(signal.SIGTERM)
            exit_code = await asyncio.wait_for(second.process.wait(), 60)
        assert exit_code == 0, second.log()

        for person in PEOPLE:
            texts = [c.params["text"] for c in replies_to(api, person)]
            assert len(texts) == 3 and len(set(texts)) == 3, (person, texts)  # nobody got a reply twice
            assert "Welcome" in texts[0] and "Step 2 of " in texts[2]
        # No button press answered twice. The answers that were on the wire when the process died are not
        # replayed: a callback query's spinner is long gone by then (only messages are kept in the outbox).
        answers = Counter(c.params["callback_query_id"] for c in api.calls if c.method == "answerCallbackQuery")
        assert set(answers.values()) == {1}
        answered = {person for person, query in consent_queries.items() if query in answers}
        assert answered >= set(QUICK), answered
    final = await effects(tmp_path)
    assert final == {p: (True, 1) for p in PEOPLE}, final  # each agreement recorded once


def sending_rows(tmp_path: Path) -> int:
    """Outbox rows a process is sending now (the state is a clear column: no key is needed to read it)."""
    with closing(sqlite3.connect(tmp_path / "data" / "yuelao.db", timeout=5)) as connection:
        (count,) = connection.execute("SELECT count(*) FROM outbox_messages WHERE state = 'sending'").fetchone()
    return int(count)


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a condition of the database, looking again every few milliseconds."""
    async with asyncio.timeout(timeout):
        while not await asyncio.to_thread(condition):  # noqa: ASYNC110 (another process's database: no event to await)
            await asyncio.sleep(0.02)


async def wait_replies(api: FakeBotAPI, person: int, count: int, timeout: float = 30.0) -> list[Call]:
    await api.wait_until(lambda: len(replies_to(api, person)) >= count, timeout=timeout)
    return replies_to(api, person)
