"""One open WebSocket of a browser, with its own outgoing queue.

Frames are queued without waiting, so whoever sends (a handler, the delivery worker, the socket reader)
never blocks on a slow browser, and a socket receives frames in the order they were queued. A browser that
stops reading (the queue fills or a send times out) is disconnected; it reconnects and is shown the chat's
history again.
"""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import WSCloseCode, web

from bot.webchat.identity import WebSender
from bot.webchat.protocol import Frame

log = logging.getLogger("yuelao.webchat")


class Connection:
    def __init__(self, socket: web.WebSocketResponse, *, send_timeout: float = 10.0, max_queued: int = 500) -> None:
        self.socket = socket
        self.sender: WebSender | None = None
        self._send_timeout = send_timeout
        self._max_queued = max_queued
        self._queue: asyncio.Queue[Frame | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._dropping: asyncio.Task[bool] | None = None

    @property
    def chat_id(self) -> int | None:
        return self.sender.chat.id if self.sender is not None else None

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_frames())

    def send(self, frame: Frame) -> None:
        """Queue a frame; a browser too far behind is disconnected."""
        if self._dropping is not None:
            return
        if self._queue.qsize() >= self._max_queued:
            log.warning("webchat: a browser fell behind; disconnecting it")
            self._dropping = asyncio.create_task(self.socket.close(code=WSCloseCode.TRY_AGAIN_LATER))
            return
        self._queue.put_nowait(frame)

    async def stop(self) -> None:
        """Let the writer finish what is queued (or give up on a closed socket), then end it."""
        if self._dropping is not None:
            await self._dropping
        if self._writer is None:
            return
        self._queue.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), timeout=self._send_timeout)
        except TimeoutError:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)

    async def close(self, code: int = WSCloseCode.GOING_AWAY) -> None:
        await self.socket.close(code=code)

    async def _write_frames(self) -> None:
        while (frame := await self._queue.get()) is not None:
            if self.socket.closed:
                continue
            try:
                text = json.dumps(frame, ensure_ascii=False)
                await asyncio.wait_for(self.socket.send_str(text), timeout=self._send_timeout)
            except (ConnectionError, RuntimeError, TimeoutError) as exc:
                log.info("webchat: a send failed (%s); closing the socket", type(exc).__name__)
                await self.socket.close(code=WSCloseCode.TRY_AGAIN_LATER)
