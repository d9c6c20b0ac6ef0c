"""The page's own labels follow the chat's language: the server says it in `ready` and again in a `locale` frame
when /language or the greeting's buttons change it; a returning browser is told the account's language."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_dispatcher
from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot
from bot.webchat.identity import web_sender
from bot.webchat.locale import ChatLocales
from domain.clock import FakeClock
from handlers.services.settings import Settings
from storage.database import Database
from tests.webchat.sample_bot import Seen, make_dispatcher
from tests.webchat.sockets import ChatSocket, Frame

KEY = bytes(range(32))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", throttle_rate=100, throttle_burst=100)


@pytest.fixture
async def client(settings: Settings, app_database: Database, tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    clock = FakeClock()
    hub = WebChatHub(tmp_path / "webchat", KEY)
    bot = create_webchat_bot(hub, clock)
    app = create_webchat_app(create_dispatcher(settings, database=app_database, clock=clock), bot, hub)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client
    await bot.session.close()


def _button(frame: Frame, text: str) -> str:
    for row in frame["keyboard"]["rows"]:
        for button in row:
            if button["text"] == text:
                data: str = button["data"]
                return data
    raise AssertionError(f"no button {text!r} in {frame['keyboard']}")


async def _until(tab: ChatSocket, kind: str) -> list[Frame]:
    """The frames up to and with the first of this type."""
    frames = [await tab.next()]
    while frames[-1]["type"] != kind:
        frames.append(await tab.next())
    return frames


async def _press(tab: ChatSocket, frame: Frame, text: str) -> None:
    await tab.send(type="callback", message_id=frame["message_id"], data=_button(frame, text))


@pytest.mark.parametrize(
    ("browser_language", "locale"),
    [("en-US", "en"), ("zh-CN", "zh"), ("zh-TW", "zh_Hant"), ("zh-Hant-HK", "zh_Hant"), ("ru-RU", "ru"), ("de", "en")],
)
async def test_a_new_browser_is_told_its_own_language(
    client: TestClient[Any, Any], browser_language: str, locale: str
) -> None:
    tab = ChatSocket(client, str(uuid.uuid4()))

    ready = await tab.open(language=browser_language)

    assert ready["locale"] == locale
    await tab.close()


async def test_choosing_a_language_relabels_every_tab_and_holds_for_the_account(client: TestClient[Any, Any]) -> None:
    browser_id = str(uuid.uuid4())
    tab, other_tab = ChatSocket(client, browser_id), ChatSocket(client, browser_id)
    assert (await tab.open("en-US"))["locale"] == "en"
    assert (await other_tab.open("en-US"))["locale"] == "en"

    greeting = await tab.say("/start")
    await _press(tab, greeting, "繁體中文")

    frames = await _until(tab, "locale")
    edited = next(frame for frame in frames if frame["type"] == "edit")
    assert "歡迎來到" in edited["html"]
    assert frames[-1] == {"type": "locale", "locale": "zh_Hant"}  # after the bot's answer in that language
    assert await other_tab.expect("locale") == {"type": "locale", "locale": "zh_Hant"}
    await _press(tab, edited, edited["keyboard"]["rows"][0][0]["text"])  # consent: the account keeps it
    await tab.expect("message", **{"from": "bot"})
    await tab.close()
    await other_tab.close()

    returning = ChatSocket(client, browser_id)
    assert (await returning.open("en-US"))["locale"] == "zh_Hant"
    answer = await returning.say("/language")
    await _press(returning, answer, "Русский")
    assert await returning.expect("locale") == {"type": "locale", "locale": "ru"}
    await returning.close()


async def test_without_a_database_the_browser_language_labels_the_page(tmp_path: Path) -> None:
    hub = WebChatHub(tmp_path / "webchat", KEY)
    bot = create_webchat_bot(hub, FakeClock())
    app = create_webchat_app(make_dispatcher(Seen()), bot, hub, gate=None)
    async with TestClient(TestServer(app)) as test_client:
        tab = ChatSocket(test_client, str(uuid.uuid4()))
        assert (await tab.open("zh-HK"))["locale"] == "zh_Hant"
        await tab.say("hello")
        await tab.close()
    await bot.session.close()


async def test_when_the_database_fails_the_page_keeps_its_labels(
    settings: Settings, app_database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    hub = WebChatHub(tmp_path / "webchat-2", KEY)
    bot = create_webchat_bot(hub, clock)
    locales = ChatLocales(create_dispatcher(settings, database=app_database, clock=clock), bot, hub)
    sender = web_sender(4242, "zh-hant")

    def broken(**_: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(app_database, "unit_of_work", broken)
    sent: list[Frame] = []
    monkeypatch.setattr(hub, "broadcast", lambda chat_id, frame: sent.append(frame))

    assert await locales.current(sender) == "zh_Hant"  # the browser's language
    await locales.follow(sender)
    assert sent == []
    await bot.session.close()
