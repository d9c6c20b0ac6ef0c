"""The production wiring end to end: a webhook instance built by `bot.runner` with a metrics registry counts the
updates Telegram posts and the Bot API calls it makes, and refuses updates with 503 once draining."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.observability.drain import Drain
from bot.observability.metrics import BotMetrics
from bot.runner import opened_app, webhook_app
from domain.clock import FakeClock
from handlers.services.settings import Settings
from tests.fake_bot_api import running_fake_bot_api
from tests.operations.scrape import sample

TOKEN = "123456:" + "W" * 35
USER = 31_338
SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}


def help_update(update_id: int) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": USER, "type": "private"},
            "from": {"id": USER, "is_bot": False, "first_name": "W"},
            "text": "/help",
        },
    }


async def test_webhook_updates_and_bot_api_calls_are_counted_and_a_drain_answers_503(
    tmp_path: Path, clock: FakeClock
) -> None:
    metrics = BotMetrics(process=False)
    drain = Drain(grace=5)
    async with running_fake_bot_api() as api:
        settings = Settings(
            _env_file=None,
            bot_token=TOKEN,
            telegram_api_base=api.base_url,
            webhook_url="https://bot.example.org/tg/hook",
            webhook_secret="s3cret-token",
            data_dir=tmp_path / "data",
        )
        async with opened_app(settings, clock, metrics=metrics) as (dp, _database, _keys, i18n):
            client = TestClient(TestServer(webhook_app(settings, dp, i18n, drain=drain), host="127.0.0.1"))
            await client.start_server()
            try:
                await api.wait_for("setWebhook")
                accepted = await client.post("/tg/hook", json=help_update(1), headers=SECRET)
                assert accepted.status == 200
                (reply,) = await api.wait_for("sendMessage")
                assert reply.params["text"].startswith("Here is what I can do")

                drain.begin()
                refused = await client.post("/tg/hook", json=help_update(2), headers=SECRET)
                assert refused.status == 503  # Telegram sends it again later, to this instance or another
                assert await drain.until_idle() is True
            finally:
                await client.close()
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 1  # the refused update was not handled

    exposition = metrics.exposition().decode()
    assert sample(exposition, "yuelao_updates_total", type="message", outcome="handled") == 1
    assert sample(exposition, "yuelao_bot_api_calls_total", method="sendMessage", result="ok") == 1
    assert sample(exposition, "yuelao_bot_api_calls_total", method="setWebhook", result="ok") == 1
    assert sample(exposition, "yuelao_delivery_errors_total", code="403") is None
