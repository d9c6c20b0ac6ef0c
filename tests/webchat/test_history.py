"""The web chat's history outlives the server: a client who registers, then finds the server restarted, sees the
conversation again and goes on from it; deleting the account deletes the history; the export holds it.

The real bot (create_dispatcher) on a real database, over the web chat's WebSocket; a "restart" is a new
dispatcher, hub and bot on the same database, data directory and key.
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.app import create_dispatcher
from bot.runner import background_for
from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot
from domain.clock import SystemClock
from handlers.services.settings import Settings
from storage.database import Database
from storage.models.webchat import WebChatMessageRow, WebChatRow
from tests.webchat.sockets import ChatSocket, Frame

WEBCHAT_KEY = bytes(range(32))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", throttle_rate=100, throttle_burst=100)


@pytest.fixture
def serve(settings: Settings, app_database: Database, tmp_path: Path) -> Callable[[], Any]:
    """`async with serve() as client:` one run of the web chat server with its delivery worker, as in
    production; each run is a fresh process's worth of state (dispatcher, hub, bot, worker) on the same
    database, data directory and key."""

    clock = SystemClock()  # the database's clock too: the worker sends what the replies left to it

    @asynccontextmanager
    async def run() -> AsyncIterator[TestClient[Any, Any]]:
        hub = WebChatHub(tmp_path / "webchat", WEBCHAT_KEY)
        bot = create_webchat_bot(hub, clock)
        dispatcher = create_dispatcher(settings, database=app_database, clock=clock)
        background = background_for(settings, app_database, clock, dispatcher)
        app = create_webchat_app(dispatcher, bot, hub)
        await background.start({"web": bot})
        try:
            async with TestClient(TestServer(app)) as client:
                yield client
        finally:
            await background.stop()
            await bot.session.close()

    return run


def _button(frame: Frame, text: str) -> str:
    for row in frame["keyboard"]["rows"]:
        for button in row:
            if button["text"] == text:
                data: str = button["data"]
                return data
    raise AssertionError(f"no button {text!r} in {frame['keyboard']}")


async def _press(tab: ChatSocket, frame: Frame, text: str) -> Frame:
    """Press a button of `frame`; the bot's next new message."""
    await tab.send(type="callback", message_id=frame["message_id"], data=_button(frame, text))
    return await tab.expect("message", **{"from": "bot"})


async def _start_registering(tab: ChatSocket) -> Frame:
    """/start, consent, a name: the question of step 2."""
    greeting = await tab.say("/start")
    assert "Welcome to Yuelao" in _text(greeting)
    first_question = await _press(tab, greeting, "I agree, let's begin")
    assert "Step 1 of" in _text(first_question)
    second_question = await tab.say("Li Wei")
    assert "Step 2 of" in _text(second_question)
    return second_question


def _text(frame: Frame) -> str:
    """What the page shows of a message's text (its HTML without the tags)."""
    return html.unescape(re.sub(r"<[^>]+>", "", frame["html"]))


def _texts(ready: Frame) -> list[str]:
    return [_text(frame) for frame in ready["history"]]


async def test_after_a_restart_the_page_is_shown_the_conversation_and_goes_on_from_it(
    serve: Callable[[], Any],
) -> None:
    browser_id = str(uuid.uuid4())
    async with serve() as client:
        tab = ChatSocket(client, browser_id)
        await tab.open()
        await _start_registering(tab)
        question = await tab.say("/delete")
        await tab.close()

    async with serve() as client:
        tab = ChatSocket(client, browser_id)
        ready = await tab.open()
        texts = _texts(ready)
        assert texts[0] == "/start" and "Welcome to Yuelao" in texts[1]
        assert "Li Wei" in texts and any("Step 2 of" in text for text in texts)
        restored = ready["history"][-1]
        assert restored["message_id"] == question["message_id"]
        assert restored["keyboard"] == question["keyboard"]

        # The restored question's buttons still work, and new messages get new ids.
        answer = await _press(tab, restored, "No, keep my data")
        assert "Step 2 of" in _text(answer)
        assert answer["message_id"] > question["message_id"]


async def test_a_visitor_who_never_agreed_leaves_nothing_stored(
    serve: Callable[[], Any], app_database: Database
) -> None:
    async with serve() as client:
        tab = ChatSocket(client, str(uuid.uuid4()))
        await tab.open()
        await tab.say("/start")
    async with app_database.unit_of_work(read_only=True) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(WebChatMessageRow)) == 0


async def test_deleting_the_account_deletes_the_history(serve: Callable[[], Any], app_database: Database) -> None:
    browser_id = str(uuid.uuid4())
    async with serve() as client:
        tab = ChatSocket(client, browser_id)
        await tab.open()
        await _start_registering(tab)
        async with app_database.unit_of_work(read_only=True) as uow:
            assert (await uow.session.scalar(select(func.count()).select_from(WebChatMessageRow)) or 0) > 0
        sure = await tab.say("/delete")
        really = await _press(tab, sure, "Yes, delete my data")
        deleted = await _press(tab, really, "Delete everything now")
        assert "Your data has been deleted" in _text(deleted)
        await tab.close()

        async with app_database.unit_of_work(read_only=True) as uow:
            for row in (WebChatMessageRow, WebChatRow):
                assert await uow.session.scalar(select(func.count()).select_from(row)) == 0
        again = ChatSocket(client, browser_id)
        ready = await again.open()
        assert [text for text in _texts(ready) if "Li Wei" in text or "Step" in text] == []

    async with serve() as client:
        ready = await ChatSocket(client, browser_id).open()
        assert ready["history"] == []


async def test_the_export_holds_the_conversation(serve: Callable[[], Any]) -> None:
    browser_id = str(uuid.uuid4())
    async with serve() as client:
        tab = ChatSocket(client, browser_id)
        await tab.open()
        await _start_registering(tab)
        export = await tab.say("/mydata")
        assert export["document"] is not None and export["document"]["private"]
        response = await client.get(export["document"]["url"], headers={"X-Webchat-User": browser_id})
        assert response.status == 200
        data = json.loads(await response.read())

    said = [item["message"].get("text") for item in data["web_chat"]["messages"]]
    assert said[:2] == ["/start", said[1]] and "Welcome to Yuelao" in said[1]
    assert "Li Wei" in said and "/mydata" in said
