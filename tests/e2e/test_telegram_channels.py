"""The Telegram channel over real HTTP: long polling against a local Bot API server, and the webhook."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer

from bot.runner import opened_app, poll_telegram, webhook_app
from domain.clock import FakeClock
from handlers.services.settings import Settings
from tests.fake_bot_api import running_fake_bot_api

TOKEN = "123456:" + "E" * 35
USER = 31337


async def test_start_and_pick_a_language_over_long_polling(tmp_path: Path, clock: FakeClock) -> None:
    async with running_fake_bot_api() as api:
        settings = Settings(_env_file=None, bot_token=TOKEN, telegram_api_base=api.base_url, data_dir=tmp_path / "data")
        async with opened_app(settings, clock) as (dp, _database, _keys, i18n):
            stop = asyncio.Event()
            polling = asyncio.create_task(poll_telegram(settings, dp, i18n, handle_signals=False, stop=stop))
            try:
                commands = await api.wait_for("setMyCommands", count=4)  # en, ru, zh (Telegram has no zh-Hant), default
                assert {c.params.get("language_code") for c in commands} == {"en", "ru", "zh", None}

                api.push_text(USER, "/start")
                (welcome,) = await api.wait_for("sendMessage")
                assert "Welcome to <b>Yuelao</b>" in welcome.params["text"]
                rows = welcome.params["reply_markup"]["inline_keyboard"]
                chinese = next(b for row in rows for b in row if b["text"] == "简体中文")

                message = {
                    "message_id": 500,
                    "date": 0,
                    "chat": {"id": USER, "type": "private"},
                    "text": welcome.params["text"],
                }
                query_id = api.push_callback(USER, message, chinese["callback_data"])
                (answer,) = await api.wait_for("answerCallbackQuery")
                (edit,) = await api.wait_for("editMessageText")
                assert answer.params["callback_query_id"] == query_id
                # The greeting is shown again in Chinese, consent button and all.
                assert edit.params["text"].startswith("欢迎来到<b>月老</b>")
            finally:
                stop.set()
                await polling


async def test_webhook_refuses_a_request_without_the_secret(tmp_path: Path, clock: FakeClock) -> None:
    async with running_fake_bot_api() as api:
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            telegram_api_base=api.base_url,
            webhook_url="https://bot.example.org/tg/hook",
            webhook_secret="s3cret-token",
            data_dir=tmp_path / "data",
        )
        async with opened_app(settings, clock) as (dp, _database, _keys, i18n):
            client = TestClient(TestServer(webhook_app(settings, dp, i18n), host="127.0.0.1"))
            await client.start_server()
            try:
                (registered,) = await api.wait_for("setWebhook")
                assert registered.params["secret_token"] == "s3cret-token"
                update = {
                    "update_id": 1,
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "chat": {"id": USER, "type": "private"},
                        "from": {"id": USER, "is_bot": False, "first_name": "W"},
                        "text": "/help",
                    },
                }

                refused = await client.post("/tg/hook", json=update)
                wrong = await client.post("/tg/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
                assert (refused.status, wrong.status) == (401, 401)
                assert [c.method for c in api.calls if c.method == "sendMessage"] == []

                accepted = await client.post(
                    "/tg/hook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                )
                assert accepted.status == 200
                (reply,) = await api.wait_for("sendMessage")
                assert reply.params["text"].startswith("Here is what I can do")
            finally:
                await client.close()
