"""The web chat server end to end over its WebSocket: frames in, the sample bot's answers out."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import InaccessibleMessage, Message
from aiohttp.test_utils import TestClient, TestServer

from bot.webchat import WebChatHub, create_webchat_app, create_webchat_bot
from domain.clock import FakeClock
from tests.webchat.images_for_tests import tiny_png
from tests.webchat.sample_bot import DOCUMENT_BYTES, Seen, make_dispatcher
from tests.webchat.sockets import ChatSocket


@dataclass
class WebChat:
    client: TestClient[Any, Any]
    hub: WebChatHub
    bot: Bot
    seen: Seen
    gate: asyncio.Event

    def browser(self, browser_id: str | None = None) -> ChatSocket:
        return ChatSocket(self.client, browser_id or str(uuid.uuid4()))


@pytest.fixture
async def webchat(tmp_path: Path) -> AsyncIterator[WebChat]:
    hub = WebChatHub(tmp_path / "webchat", bytes(range(32)))
    bot = create_webchat_bot(hub, FakeClock())
    seen = Seen()
    gate = asyncio.Event()
    app = create_webchat_app(make_dispatcher(seen), bot, hub, gate=gate)
    async with TestClient(TestServer(app)) as client:
        yield WebChat(client, hub, bot, seen, gate)
    await bot.session.close()


async def test_the_page_and_its_assets_are_served_with_a_strict_policy(webchat: WebChat) -> None:
    page = await webchat.client.get("/")
    assert page.status == 200
    assert "chat.js" in await page.text()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    script = await webchat.client.get("/chat.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    assert (await webchat.client.get("/chat.css")).status == 200


async def test_start_shows_html_and_an_inline_keyboard(webchat: WebChat) -> None:
    tab = webchat.browser()
    ready = await tab.open()
    assert ready["history"] == [] and ready["reply_keyboard"] is None

    await tab.send(type="text", text="/start")
    echo = await tab.expect("message")
    answer = await tab.expect("message")

    assert echo["from"] == "user" and echo["html"] == "/start"
    assert answer["from"] == "bot"

    assert answer["html"] == "Hello, <b>guest</b>! 你好，欢迎 &amp; welcome."
    assert answer["message_id"] == echo["message_id"] + 1
    rows = answer["keyboard"]["rows"]
    assert answer["keyboard"]["kind"] == "inline"
    assert rows[0][0] == {"text": "Yes", "action": "callback", "data": "yes"}
    assert rows[1][0] == {"text": "Website", "action": "url", "url": "https://example.org/"}
    assert webchat.seen.channels == ["web"]
    update = webchat.seen.updates[0]
    assert update.message is not None and update.message.from_user is not None
    assert update.message.from_user.first_name == "Guest" and update.message.from_user.language_code == "en"
    assert update.message.chat.type == "private" and update.message.chat.id == update.message.from_user.id
    assert update.message.entities is not None and update.message.entities[0].type == "bot_command"


async def test_a_button_press_is_answered_and_edits_the_message(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    menu = await tab.say("/start")

    await tab.send(type="callback", message_id=menu["message_id"], data="yes")
    answer = await tab.expect("callback_answer")
    edit = await tab.expect("edit")

    assert answer == {
        "type": "callback_answer",
        "message_id": menu["message_id"],
        "text": "Noted",
        "show_alert": False,
    }
    assert edit["message_id"] == menu["message_id"]
    assert edit["html"] == "You chose <i>yes</i>." and edit["keyboard"] is None and edit["edited"]
    (callback,) = webchat.seen.callbacks
    assert isinstance(callback.message, Message)
    assert callback.message.message_id == menu["message_id"]
    assert callback.message.text == "Hello, guest! 你好，欢迎 & welcome."
    assert callback.message.reply_markup is not None


async def test_an_alert_answer_asks_for_an_alert(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    menu = await tab.say("/start")
    await tab.send(type="callback", message_id=menu["message_id"], data="alert")
    answer = await tab.expect("callback_answer")
    assert answer["text"] == "Are you sure?" and answer["show_alert"] is True


async def test_a_press_on_a_forgotten_message_reaches_the_bot_as_inaccessible(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    await tab.send(type="callback", message_id=999, data="yes")
    answer = await tab.expect("callback_answer")
    assert answer["text"] == "This button has expired"
    (callback,) = webchat.seen.callbacks
    assert isinstance(callback.message, InaccessibleMessage) and callback.message.message_id == 999


async def test_a_press_on_a_button_the_message_does_not_have_is_refused(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    menu = await tab.say("/start")
    await tab.send(type="callback", message_id=menu["message_id"], data="admin:approve")
    assert (await tab.expect("error"))["reason"] == "stale_button"
    assert webchat.seen.callbacks == []


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ('{"text": "no type"}', "bad_frame"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "text"}', "bad_field"),
        ('{"type": "text", "text": 42}', "bad_field"),
        ('{"type": "callback", "message_id": "1", "data": "yes"}', "bad_field"),
        ('{"type": "callback", "message_id": true, "data": "yes"}', "bad_field"),
        ('{"type": "contact", "phone_number": "call me"}', "bad_field"),
        ('{"type": "photo", "data": "%%%"}', "bad_field"),
        (json.dumps({"type": "text", "text": "x" * 4097}), "too_large"),
        (json.dumps({"type": "callback", "message_id": 1, "data": "d" * 65}), "too_large"),
        (json.dumps({"type": "photo", "data": base64.b64encode(b"GIF89a but not really").decode()}), "bad_photo"),
        (json.dumps({"type": "hello", "user": "00000000-0000-4000-8000-000000000000"}), "hello_again"),
    ],
)
async def test_a_malformed_frame_gets_an_error_frame_and_the_socket_keeps_working(
    webchat: WebChat, raw: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    tab = webchat.browser()
    await tab.open()
    with caplog.at_level(logging.INFO, logger="yuelao.webchat"):
        await tab.send_raw(raw)
        error = await tab.expect("error")
    assert error["reason"] == reason
    assert any(reason in record.getMessage() for record in caplog.records)
    assert tab.browser_id not in caplog.text

    answer = await tab.say("still here")
    assert answer["html"] == "You said: still here (en)"


async def test_frames_before_hello_and_bad_browser_ids_are_refused(webchat: WebChat) -> None:
    socket = await webchat.client.ws_connect("/ws")
    await socket.send_json({"type": "text", "text": "hi"})
    assert (await socket.receive_json(timeout=5))["reason"] == "hello_first"
    await socket.send_bytes(b"\x00")
    assert (await socket.receive_json(timeout=5))["reason"] == "bad_frame"
    await socket.send_json({"type": "hello", "user": "not-a-uuid"})
    assert (await socket.receive_json(timeout=5))["reason"] == "bad_user"
    await socket.close()


async def test_two_browser_ids_are_two_users_and_one_id_is_one_user_on_every_tab(webchat: WebChat) -> None:
    alice_phone = webchat.browser()
    alice_laptop = webchat.browser(alice_phone.browser_id)
    bob = webchat.browser()
    await alice_phone.open()
    await alice_laptop.open(language="zh-CN")
    await bob.open()

    answer = await alice_phone.say("hi from the phone")
    assert (await alice_laptop.expect("message", **{"from": "user"}))["html"] == "hi from the phone"
    assert (await alice_laptop.expect("message", **{"from": "bot"}))["message_id"] == answer["message_id"]

    bob_answer = await bob.say("hi from bob")
    assert bob_answer["message_id"] == 2  # Bob's chat counts its own message ids
    assert (await alice_laptop.say("你好"))["html"] == "You said: 你好 (zh)"

    chats = [update.message.chat.id for update in webchat.seen.updates if update.message is not None]
    alice = webchat.hub.user_ids.user_id(alice_phone.browser_id)
    assert chats == [alice, webchat.hub.user_ids.user_id(bob.browser_id), alice]
    assert alice != chats[1] and 0 < alice < 2**48


async def test_a_reconnecting_tab_is_shown_the_history_and_the_reply_keyboard(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    await tab.say("/start")
    keyboard_message = await tab.say("/phone")
    assert keyboard_message["keyboard"]["kind"] == "reply"
    await tab.close()

    again = webchat.browser(tab.browser_id)
    ready = await again.open()
    assert [frame["from"] for frame in ready["history"]] == ["user", "bot", "user", "bot"]
    assert ready["history"][1]["keyboard"]["kind"] == "inline"
    assert ready["reply_keyboard"] == {
        "kind": "reply",
        "rows": [
            [{"text": "Share my phone", "request_contact": True, "enabled": True}],
            [{"text": "Later", "request_contact": False, "enabled": True}],
        ],
        "placeholder": "Your phone",
        "one_time": True,
    }


async def test_a_shared_contact_reaches_the_bot_and_the_reply_keyboard_is_removed(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    await tab.say("/phone")
    await tab.send(type="contact", phone_number="+86 138 0013 8000")
    echo = await tab.expect("message", **{"from": "user"})
    answer = await tab.expect("message", **{"from": "bot"})
    assert echo["contact"] == {"phone_number": "+86 138 0013 8000"}
    assert answer["html"] == "Thanks, +86 138 0013 8000" and answer["keyboard"] == {"kind": "remove"}
    message = webchat.seen.updates[-1].message
    assert message is not None and message.contact is not None and message.from_user is not None
    assert message.contact.user_id == message.from_user.id
    assert (await webchat.hub.chat(message.chat.id)).reply_keyboard is None


async def test_a_deleted_message_is_removed(webchat: WebChat) -> None:
    tab = webchat.browser()
    await tab.open()
    doomed = await tab.say("/gone")
    deletion = await tab.expect("delete")
    after = await tab.expect("message")
    assert doomed["html"] == "This will disappear"
    assert deletion == {"type": "delete", "message_id": doomed["message_id"]}
    assert after["html"] == "Deleted it"


async def test_a_request_telegram_would_reject_gives_an_error_frame(
    webchat: WebChat, caplog: pytest.LogCaptureFixture
) -> None:
    tab = webchat.browser()
    await tab.open()
    await tab.send(type="text", text="/long")
    with caplog.at_level(logging.ERROR, logger="yuelao.webchat"):
        error = await tab.expect("error")
    assert error["reason"] == "internal"
    assert "TelegramBadRequest" in caplog.text and "sample_bot.py" in caplog.text
    assert (await tab.say("and after?"))["html"] == "You said: and after? (en)"


async def test_a_failing_handler_is_logged_without_personal_data(
    webchat: WebChat, caplog: pytest.LogCaptureFixture
) -> None:
    tab = webchat.browser()
    await tab.open()
    with caplog.at_level(logging.ERROR, logger="yuelao.webchat"):
        await tab.send(type="text", text="/boom my secret 13800138000")
        assert (await tab.expect("error"))["reason"] == "internal"
    assert "RuntimeError" in caplog.text
    assert "13800138000" not in caplog.text and tab.browser_id not in caplog.text


async def test_a_document_is_downloadable_by_its_owner_only(webchat: WebChat) -> None:
    owner = webchat.browser()
    await owner.open()
    sent = await owner.say("/doc")
    document = sent["document"]
    assert sent["html"] == "Your <b>notes</b>"
    assert document["name"] == "约会 notes.txt" and document["private"] is True

    mine = await webchat.client.get(f"/{document['url']}", headers={"X-Webchat-User": owner.browser_id})
    assert mine.status == 200
    assert await mine.read() == DOCUMENT_BYTES
    assert mine.headers["Content-Disposition"] == "attachment; filename*=UTF-8''%E7%BA%A6%E4%BC%9A%20notes.txt"
    assert mine.content_type == "application/octet-stream"

    stranger = webchat.browser()
    await stranger.open()
    theirs = await webchat.client.get(f"/{document['url']}", headers={"X-Webchat-User": stranger.browser_id})
    anonymous = await webchat.client.get(f"/{document['url']}")
    assert theirs.status == 404 and anonymous.status == 404


async def test_a_photo_is_stored_encrypted_and_sent_back_by_file_id(webchat: WebChat, tmp_path: Path) -> None:
    tab = webchat.browser()
    await tab.open()
    png = tiny_png(width=3, height=2)
    await tab.send(type="photo", data=base64.b64encode(png).decode())
    mine = await tab.expect("message", **{"from": "user"})
    answer = await tab.expect("message", **{"from": "bot"})

    update = webchat.seen.updates[-1]
    assert update.message is not None and update.message.photo is not None
    (size,) = update.message.photo
    assert (size.width, size.height, size.file_size) == (3, 2, len(png))
    assert mine["photo"]["url"] == answer["photo"]["url"] == f"files/{size.file_id}"
    assert answer["html"] == "Got your <b>photo</b>"

    served = await webchat.client.get(f"/files/{size.file_id}", headers={"X-Webchat-User": tab.browser_id})
    assert served.status == 200 and served.content_type == "image/png"
    assert await served.read() == png

    stored = list((tmp_path / "webchat").iterdir())
    assert len(stored) == 1
    assert png not in stored[0].read_bytes() and b"IHDR" not in stored[0].read_bytes()


async def test_each_users_updates_are_handled_in_order_and_users_side_by_side(webchat: WebChat) -> None:
    waiting, other = webchat.browser(), webchat.browser()
    await waiting.open()
    await other.open()

    await waiting.send(type="text", text="/wait")
    await waiting.send(type="text", text="after the wait")
    assert (await other.say("meanwhile"))["html"] == "You said: meanwhile (en)"
    handled = [u.message.text for u in webchat.seen.updates if u.message is not None]
    assert "after the wait" not in handled

    webchat.gate.set()
    assert (await waiting.expect("message", **{"from": "bot"}))["html"] == "Released"
    assert (await waiting.expect("message", **{"from": "bot"}))["html"] == "You said: after the wait (en)"
    waiting_ids = [u.update_id for u in webchat.seen.updates if u.message and u.message.text != "meanwhile"]
    assert waiting_ids == sorted(waiting_ids) and len(set(waiting_ids)) == 2
