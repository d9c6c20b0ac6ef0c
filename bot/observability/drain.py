"""Stopping without dropping work (SIGTERM or SIGINT): stop taking updates, let those in flight finish, then stop.

    drain = Drain(grace=settings.drain_seconds)
    with drain.on_signals():              # SIGTERM/SIGINT call `begin`
        ...                               # long polling waits for `drain.requested`; a webhook app takes
                                          # `drain.middleware`, which answers 503 once draining
        await drain.requested.wait()
        await drain.until_idle()          # webhook requests in flight finished, or `grace` ran out

Long polling drains in `bot/polling.py` (no getUpdates after the signal; the updates in flight get `grace`
seconds; the final offset is acknowledged). Telegram sends a refused or unacknowledged update again later, to
this instance after a restart or to another one. `/readyz` answers 503 from the moment draining begins, so a
load balancer stops sending first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from aiohttp import web
from aiohttp.typedefs import Handler

log = logging.getLogger("yuelao.drain")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Drain:
    def __init__(self, *, grace: float = 20.0) -> None:
        self.grace = grace
        self.requested = asyncio.Event()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def draining(self) -> bool:
        return self.requested.is_set()

    @property
    def in_flight(self) -> int:
        """Webhook requests being handled now."""
        return self._in_flight

    def begin(self) -> None:
        if self.requested.is_set():
            return
        log.info("draining: taking no new updates")
        self.requested.set()

    @contextmanager
    def on_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self.begin)
        try:
            yield
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """For the webhook app: once draining, refuse with 503 (Telegram delivers the update again later)."""
        if self.draining:
            return web.Response(status=503, text="draining", headers={"Retry-After": "5"})
        self._in_flight += 1
        self._idle.clear()
        try:
            return await handler(request)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def until_idle(self) -> bool:
        """Wait for the requests in flight, at most `grace` seconds; False when some were still running."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.grace)
        if self._in_flight:
            log.warning("drain: %d webhook requests still running after %.0f s", self._in_flight, self.grace)
            return False
        return True
