"""A Bot API server on localhost for end-to-end tests and benchmarks: real HTTP, recorded calls, and updates
kept until acknowledged, like Telegram.

getUpdates follows Telegram's rules: every update below the `offset` passed is forgotten (acknowledged), the
others are returned again, in update_id order, at most `limit` of them; with none waiting it holds the request
until one is pushed (at most a second here, so a test never waits on a long poll). `latency` is the round trip
of every call: half of it before the call reaches the server (and is recorded), half before the answer leaves;
`hold`, when set, is awaited before a call reaches the server (it is recorded only after), so a test can hold
calls open, release them when it chooses, or refuse them by raising.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

_LONG_POLL_CAP = 1.0


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = 0.0  # loop time when the call reached the server
    result: Any = None


@dataclass
class FakeBotAPI:
    """Answers like Telegram for the methods a conversation uses."""

    bot_id: int = 4242
    latency: float = 0.0
    hold: Callable[[Call], Awaitable[None]] | None = None
    calls: list[Call] = field(default_factory=list)
    polls: list[Call] = field(default_factory=list)
    new_call: asyncio.Condition = field(default_factory=asyncio.Condition)
    pending: list[dict[str, Any]] = field(default_factory=list)
    acknowledged: int = 0  # every update below this was acknowledged by an offset
    last_update_id: int = 0
    _pushed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    base_url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        return app

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            loaded = await request.json()
            return dict(loaded) if isinstance(loaded, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str) and value[:1] in "{[":
                params[key] = json.loads(value)
            else:
                params[key] = value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params)
        if self.latency:
            await asyncio.sleep(self.latency / 2)  # the request's way to Telegram (half the round trip)
        if self.hold is not None:
            await self.hold(call)  # held before it reaches Telegram: a held message has not been delivered
        call.at = asyncio.get_running_loop().time()
        if method == "getUpdates":
            async with self.new_call:
                self.polls.append(call)
                self.new_call.notify_all()
            call.result = await self._updates(params)
        else:
            call.result = self._result(method, params)
            async with self.new_call:
                self.calls.append(call)
                self.new_call.notify_all()
        if self.latency:
            await asyncio.sleep(self.latency / 2)  # the answer's way back
        return web.json_response({"ok": True, "result": call.result})

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if offset is not None:
            self.acknowledged = max(self.acknowledged, int(offset))
            self.pending = [u for u in self.pending if u["update_id"] >= self.acknowledged]
        limit = int(params.get("limit", 100))
        timeout = min(float(params.get("timeout", 0)), _LONG_POLL_CAP)
        async with self._pushed:
            if not self.pending and timeout > 0:
                try:
                    await asyncio.wait_for(self._pushed.wait_for(lambda: bool(self.pending)), timeout)
                except TimeoutError:
                    return []
            return list(self.pending[:limit])

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        now = int(datetime.now(UTC).timestamp())
        if method == "getMe":
            return {"id": self.bot_id, "is_bot": True, "first_name": "Yuelao", "username": "yuelao_test_bot"}
        if method in ("sendMessage", "editMessageText", "sendPhoto", "editMessageCaption", "editMessageReplyMarkup"):
            message_id = params.get("message_id") or next(self._message_ids)
            result: dict[str, Any] = {
                "message_id": int(message_id),
                "date": now,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
            }
            if method == "sendPhoto":
                result["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
                result["caption"] = params.get("caption", "")
            elif method == "editMessageCaption":
                result["caption"] = params.get("caption", "")
            else:
                result["text"] = params.get("text", "")
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                result["reply_markup"] = markup
            return result
        return True

    # --- what a test does ------------------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> int:
        """Queue an update (its update_id is assigned here) and return the id."""
        update_id = self.last_update_id = next(self._update_ids)
        self.pending.append({**update, "update_id": update_id})
        asyncio.get_running_loop().create_task(self._notify_pushed())
        return update_id

    async def _notify_pushed(self) -> None:
        async with self._pushed:
            self._pushed.notify_all()

    def push_text(self, user_id: int, text: str, language_code: str = "en") -> int:
        return self.push(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "date": int(datetime.now(UTC).timestamp()),
                    "chat": {"id": user_id, "type": "private"},
                    "from": {"id": user_id, "is_bot": False, "first_name": "E2E", "language_code": language_code},
                    "text": text,
                },
            }
        )

    def push_callback(self, user_id: int, message: dict[str, Any], data: str) -> str:
        query_id = f"q{next(self._message_ids)}"
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": {"id": user_id, "is_bot": False, "first_name": "E2E", "language_code": "en"},
                    "chat_instance": "e2e",
                    "message": {**message, "from": {"id": self.bot_id, "is_bot": True, "first_name": "Yuelao"}},
                    "data": data,
                },
            }
        )
        return query_id

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until `count` calls of `method` have arrived in all."""

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method]

        async with self.new_call:
            await asyncio.wait_for(self.new_call.wait_for(lambda: len(matching()) >= count), timeout)
        return matching()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition` holds, checked after every call (getUpdates included)."""
        async with self.new_call:
            await asyncio.wait_for(self.new_call.wait_for(condition), timeout)


@asynccontextmanager
async def running_fake_bot_api(latency: float = 0.0) -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI(latency=latency)
    server = TestServer(api.app(), host="127.0.0.1")
    await server.start_server()
    api.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield api
    finally:
        await server.close()
