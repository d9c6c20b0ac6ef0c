"""A Bot API server on localhost for end-to-end tests: real HTTP, queued updates, recorded calls."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotAPI:
    """Answers like Telegram for the methods a conversation uses."""

    bot_id: int = 4242
    updates: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    calls: list[Call] = field(default_factory=list)
    new_call: asyncio.Condition = field(default_factory=asyncio.Condition)
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
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._updates(float(params.get("timeout", 0)))})
        async with self.new_call:
            self.calls.append(Call(method, params))
            self.new_call.notify_all()
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _updates(self, timeout: float) -> list[dict[str, Any]]:
        try:
            first = await asyncio.wait_for(self.updates.get(), timeout=min(timeout, 1.0) or 0.05)
        except TimeoutError:
            return []
        batch = [first]
        while not self.updates.empty():
            batch.append(self.updates.get_nowait())
        return batch

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        now = int(datetime.now(UTC).timestamp())
        if method == "getMe":
            return {"id": self.bot_id, "is_bot": True, "first_name": "Yuelao", "username": "yuelao_test_bot"}
        if method in ("sendMessage", "editMessageText"):
            message_id = params.get("message_id") or next(self._message_ids)
            result: dict[str, Any] = {
                "message_id": message_id,
                "date": now,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                result["reply_markup"] = markup
            return result
        return True

    # --- what a test does ------------------------------------------------------------------------------
    def push_text(self, user_id: int, text: str, language_code: str = "en") -> None:
        self.updates.put_nowait(
            {
                "update_id": next(self._update_ids),
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
        query_id = f"q{next(self._update_ids)}"
        self.updates.put_nowait(
            {
                "update_id": next(self._update_ids),
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


@asynccontextmanager
async def running_fake_bot_api() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI()
    server = TestServer(api.app(), host="127.0.0.1")
    await server.start_server()
    api.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield api
    finally:
        await server.close()
