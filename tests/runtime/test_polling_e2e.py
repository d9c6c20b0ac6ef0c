"""The real Dispatcher over loopback HTTP. Polling: while one user's reply is held at the Bot API, another user is
answered, the first user's next message waits its turn, and the offset passes the held update (it committed; its
reply is insured by an outbox row) but not the one waiting behind it. Webhook: the
same, one request per update, each answered only once its update is through."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.runner import opened_app, poll_telegram, webhook_app
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.delivery import OutboxMessageRow
from tests.fake_bot_api import Call, running_fake_bot_api

TOKEN = "123456:" + "E" * 35
SLOW, QUICK = 41_001, 41_002


async def replies_in_flight(database: Database) -> int:
    """Outbox rows of replies being sent by their own process right now (the insurance of a held reply)."""
    async with database.session_scope(read_only=True) as session:
        rows = await session.execute(
            select(func.count()).select_from(OutboxMessageRow).where(OutboxMessageRow.state == "sending")
        )
        return int(rows.scalar_one())


async def test_users_side_by_side_each_in_order_and_the_offset_waits(tmp_path: Path, clock: FakeClock) -> None:
    release, held = asyncio.Event(), asyncio.Event()

    async def hold_the_slow_user(call: Call) -> None:
        if call.method == "sendMessage" and int(call.params["chat_id"]) == SLOW:
            held.set()
            await release.wait()

    async with running_fake_bot_api() as api:
        settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=api.base_url, data_dir=tmp_path / "d")
        async with opened_app(settings, clock) as (dp, database, _keys, i18n):
            stop = asyncio.Event()
            polling = asyncio.create_task(poll_telegram(settings, dp, i18n, handle_signals=False, stop=stop))
            try:
                await api.wait_for("setMyCommands", count=3)
                api.hold = hold_the_slow_user
                api.push_text(SLOW, "/start")
                await asyncio.wait_for(held.wait(), 10)
                second = api.push_text(SLOW, "/help")
                api.push_text(QUICK, "/start")
                # The quick user is answered while the slow user's first reply is still on its way.
                await api.wait_until(lambda: any(c.params.get("chat_id") == str(QUICK) for c in api.calls))
                assert [c for c in api.calls if c.params.get("chat_id") == str(SLOW)] == []  # /help waits for /start
                # /start committed (its held reply is insured by its outbox row): Telegram may forget it; /help
                # has not run yet, so the offset stays at it.
                await api.wait_until(lambda: api.acknowledged == second)
                assert await replies_in_flight(database) >= 1  # /start's replies, the held one first
                release.set()
                await api.wait_until(
                    lambda: any(
                        "what I can do" in c.params.get("text", "") for c in api.calls if c.method == "sendMessage"
                    )
                )
                texts = [c.params["text"] for c in api.calls if c.params.get("chat_id") == str(SLOW)]
                assert "Welcome" in texts[0] and texts[-1].startswith("Here is what I can do")
            finally:
                stop.set()
                await polling
            assert api.acknowledged == second + 2  # everything acknowledged on the way out (the quick user's too)


async def test_webhook_answers_one_user_while_another_users_reply_is_held(tmp_path: Path, clock: FakeClock) -> None:
    release, held = asyncio.Event(), asyncio.Event()

    async def hold_the_slow_user(call: Call) -> None:
        if call.method == "sendMessage" and int(call.params["chat_id"]) == SLOW:
            held.set()
            await release.wait()

    def update(update_id: int, user: int) -> dict[str, object]:
        person = {"id": user, "is_bot": False, "first_name": "W", "language_code": "en"}
        chat = {"id": user, "type": "private"}
        return {
            "update_id": update_id,
            "message": {"message_id": 1, "date": 0, "chat": chat, "from": person, "text": "/help"},
        }

    async with running_fake_bot_api() as api:
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            telegram_api_base=api.base_url,
            webhook_url="https://bot.example.org/tg/hook",
            webhook_secret="s3cret-token",
            data_dir=tmp_path / "d",
        )
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        async with opened_app(settings, clock) as (dp, _database, _keys, i18n):
            client = TestClient(TestServer(webhook_app(settings, dp, i18n), host="127.0.0.1"))
            await client.start_server()
            try:
                (registered,) = await api.wait_for("setWebhook")
                assert registered.params["max_connections"] == str(settings.max_concurrent_updates)
                api.hold = hold_the_slow_user
                slow = asyncio.create_task(client.post("/tg/hook", json=update(1, SLOW), headers=headers))
                await asyncio.wait_for(held.wait(), 10)
                # Another user's request is handled and answered while the first one's reply is held.
                quick = await client.post("/tg/hook", json=update(2, QUICK), headers=headers)
                assert quick.status == 200
                assert [c.params["chat_id"] for c in api.calls if c.method == "sendMessage"] == [str(QUICK)]
                assert not slow.done()  # Telegram is answered only once the update is through
                release.set()
                assert (await slow).status == 200
                assert [c.params["chat_id"] for c in api.calls if c.method == "sendMessage"] == [str(QUICK), str(SLOW)]
            finally:
                await client.close()
