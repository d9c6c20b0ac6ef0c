"""A browser tab for the web chat's server tests: a WebSocket that said hello, with helpers to wait for frames."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient

Frame = dict[str, Any]
# How long a frame may take before the test fails instead of hanging: a guard, not a measure. A reply needs the
# first updates' start-up work (catalogs, the region book, the bot's first database queries) and, in a restart,
# the delivery worker's first pass; on a loaded 2-core machine that has taken more than 5 s.
FRAME_WAIT_SECONDS = 60


class ChatSocket:
    """One browser tab: a WebSocket that said hello with a browser id."""

    def __init__(self, client: TestClient[Any, Any], browser_id: str) -> None:
        self.client = client
        self.browser_id = browser_id
        self._socket: Any = None

    async def open(self, language: str = "en-US") -> Frame:
        self._socket = await self.client.ws_connect("/ws")
        await self.send(type="hello", user=self.browser_id, language=language)
        return await self.expect("ready")

    async def send(self, **frame: Any) -> None:
        await self._socket.send_json(frame)

    async def send_raw(self, raw: str) -> None:
        await self._socket.send_str(raw)

    async def next(self) -> Frame:
        message = await self._socket.receive(timeout=FRAME_WAIT_SECONDS)
        assert message.type is WSMsgType.TEXT, message
        frame: Frame = json.loads(message.data)
        return frame

    async def expect(self, kind: str, **fields: Any) -> Frame:
        """The next frame of this type whose fields match, skipping others; an unexpected error fails."""
        while True:
            frame = await self.next()
            if frame["type"] == "error" and kind != "error":
                raise AssertionError(f"unexpected error frame {frame}")
            if frame["type"] == kind and all(frame.get(k) == v for k, v in fields.items()):
                return frame

    async def say(self, text: str) -> Frame:
        """Send text; return the bot's answer after the echo of the user's own message."""
        await self.send(type="text", text=text)
        await self.expect("message", **{"from": "user"})
        return await self.expect("message", **{"from": "bot"})

    async def close(self) -> None:
        await self._socket.close()
