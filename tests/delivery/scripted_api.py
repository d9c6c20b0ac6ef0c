"""The fake Bot API (tests/fake_bot_api.py) with a script per chat: answer 429, 500, 403, 400, or hang.

Only requests answered with success count as delivered (`delivered`); every request is in `requests`.
A closed `gate` holds requests before they are looked at, as if Telegram had not received them yet;
`drop_held()` then answers them with a connection reset, so they never count as delivered.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fake_bot_api import FakeBotAPI

SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})


@dataclass(frozen=True)
class Answer:
    status: int = 200
    description: str = ""
    retry_after: int | None = None
    hang: float | None = None  # seconds to wait, then drop the request unanswered-for-good

    @classmethod
    def ok(cls) -> Answer:
        return cls()

    @classmethod
    def too_many_requests(cls, retry_after: int) -> Answer:
        return cls(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    @classmethod
    def server_error(cls) -> Answer:
        return cls(500, "Internal Server Error")

    @classmethod
    def blocked(cls) -> Answer:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def bad_request(cls, description: str = "Bad Request: can't parse entities") -> Answer:
        return cls(400, description)

    @classmethod
    def timeout(cls, seconds: float = 600.0) -> Answer:
        return cls(hang=seconds)


@dataclass(frozen=True)
class Request:
    method: str
    chat_id: int
    text: str
    at: float  # loop time when the request was looked at
    answer: Answer


@dataclass
class ScriptedBotAPI(FakeBotAPI):
    scripts: dict[int, deque[Answer]] = field(default_factory=lambda: defaultdict(deque))
    requests: list[Request] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    held: int = 0
    _held_requests: set[asyncio.Task[Any]] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(9000))

    def __post_init__(self) -> None:
        self.gate.set()

    def script(self, chat_id: int, *answers: Answer) -> None:
        """The next answers for sends to `chat_id`, in order; afterwards every send succeeds."""
        self.scripts[chat_id].extend(answers)

    @property
    def delivered(self) -> list[Request]:
        return [r for r in self.requests if r.answer.status == 200 and r.answer.hang is None]

    def texts_for(self, chat_id: int) -> list[str]:
        return [r.text for r in self.delivered if r.chat_id == chat_id]

    async def wait_delivered(self, count: int, timeout: float = 10.0) -> None:
        """Wait until `count` sends have been answered with success."""
        async with self.new_call:
            await asyncio.wait_for(self.new_call.wait_for(lambda: len(self.delivered) >= count), timeout)

    def drop_held(self) -> None:
        """Requests waiting at the closed gate never reach "Telegram": reset their connections."""
        for task in list(self._held_requests):
            task.cancel()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        return app

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method not in SEND_METHODS:
            return web.json_response({"ok": True, "result": self._result(method, params)})
        if not self.gate.is_set():
            task = asyncio.current_task()
            assert task is not None
            self._held_requests.add(task)
            self.held += 1
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                if request.transport is not None:
                    request.transport.close()
                raise
            finally:
                self.held -= 1
                self._held_requests.discard(task)
        chat_id = int(params["chat_id"])
        queue = self.scripts.get(chat_id)
        answer = queue.popleft() if queue else Answer.ok()
        text = str(params.get("text") or params.get("caption") or "")
        self.requests.append(Request(method, chat_id, text, asyncio.get_running_loop().time(), answer))
        async with self.new_call:
            self.new_call.notify_all()
        if answer.hang is not None:
            await asyncio.sleep(answer.hang)
            raise web.HTTPServiceUnavailable
        if answer.status != 200:
            body: dict[str, Any] = {"ok": False, "error_code": answer.status, "description": answer.description}
            if answer.retry_after is not None:
                body["parameters"] = {"retry_after": answer.retry_after}
            return web.json_response(body, status=answer.status)
        return web.json_response({"ok": True, "result": self._message(method, chat_id, text)})

    def _message(self, method: str, chat_id: int, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": chat_id, "type": "group" if chat_id < 0 else "private"},
        }
        if method == "sendPhoto":
            message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
            message["caption"] = text
        elif method == "sendDocument":
            message["document"] = {"file_id": "d", "file_unique_id": "d"}
            message["caption"] = text
        else:
            message["text"] = text
        return message


@asynccontextmanager
async def running_scripted_api() -> AsyncIterator[ScriptedBotAPI]:
    api = ScriptedBotAPI()
    server = TestServer(api.app(), host="127.0.0.1")
    await server.start_server()
    api.base_url = str(server.make_url("")).rstrip("/")
    try:
        yield api
    finally:
        api.gate.set()
        await server.close()
