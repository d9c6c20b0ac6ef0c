"""The Telegram session builds the model it parses a result type with once, however often the garbage collector
runs (pydantic caches generic models only weakly; rebuilding one costs milliseconds on the event loop)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from pydantic._internal import _generics

from bot.api_session import TelegramSession
from tests.fake_bot_api import running_fake_bot_api

TOKEN = "123456:" + "C" * 35


async def test_result_models_are_built_once_whatever_the_collector_does(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    build: Callable[..., Any] = _generics.create_generic_submodel

    def counting(name: str, *args: Any, **kwargs: Any) -> Any:
        built.append(name)
        return build(name, *args, **kwargs)

    monkeypatch.setattr(_generics, "create_generic_submodel", counting)
    async with running_fake_bot_api() as api:
        bot = Bot(TOKEN, session=TelegramSession(api=TelegramAPIServer.from_base(api.base_url)))
        try:
            for number in range(20):
                message = await bot.send_message(1, f"hello {number}")
                assert message.text == f"hello {number}"
                await bot.send_chat_action(1, "typing")
                gc.collect()
        finally:
            await bot.session.close()
    assert len(built) <= 2, built  # Response[Message] and Response[bool], at most once each
