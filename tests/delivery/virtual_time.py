"""An event loop whose clock skips ahead whenever it would only be waiting for a timer.

Rate limits, retry waits and leases are measured in seconds; the tests must not take that long. This loop
runs everything for real (sockets, database threads, the fake Bot API over HTTP) but, when nothing is ready
and no I/O arrives for a moment of real time, it moves its clock to the next timer instead of sleeping.
aiolimiter, `asyncio.sleep` and timeouts all read `loop.time()`, so they see consistent, virtual seconds.

The moment of real quiet depends on the timer: a few milliseconds before a pause (`asyncio.sleep`, an
aiolimiter wake-up, an APScheduler wake-up), a full second before anything else (a connect or request
timeout), so slow real I/O is not mistaken for idleness when all that is left is its own timeout.
`LoopClock` is the wall clock that moves with the loop, for code that takes a `Clock`.
"""

from __future__ import annotations

import asyncio
import heapq
import selectors
import time
from collections.abc import Callable
from contextvars import Context
from datetime import datetime, timedelta
from typing import Any, TypeVarTuple

from domain.clock import FakeClock

QUIET_BEFORE_PAUSE = 0.004
QUIET_BEFORE_TIMEOUT = 1.0
_Ts = TypeVarTuple("_Ts")
PAUSE_CALLBACKS = frozenset({"_set_result_unless_cancelled", "_wake_next", "wakeup"})


class _SkippingSelector(selectors.BaseSelector):
    """Delegates to the default selector; a wait with nothing happening becomes a jump in loop time."""

    def __init__(self) -> None:
        self._inner = selectors.DefaultSelector()
        self.loop: VirtualTimeLoop | None = None

    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self._inner.modify(fileobj, events, data)

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= 0 or self.loop is None:
            return self._inner.select(timeout)
        quiet = self.loop.quiet_before_next_timer()
        if timeout <= quiet:
            return self._inner.select(timeout)
        started = time.monotonic()
        ready = self._inner.select(quiet)
        if not ready:
            self.loop.skip(timeout - (time.monotonic() - started))  # land exactly on the timer
        return ready

    def close(self) -> None:
        self._inner.close()

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self._inner.get_key(fileobj)

    def get_map(self) -> Any:
        return self._inner.get_map()


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._offset = 0.0
        self._timers: list[tuple[float, float, int, asyncio.TimerHandle]] = []  # (when, quiet, order, handle)
        self._order = 0
        selector = _SkippingSelector()
        super().__init__(selector=selector)
        selector.loop = self

    def time(self) -> float:
        return super().time() + self._offset

    def skip(self, seconds: float) -> None:
        self._offset += max(seconds, 0.0)

    def call_at(
        self,
        when: float,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: Context | None = None,
    ) -> asyncio.TimerHandle:
        handle = super().call_at(when, callback, *args, context=context)
        pause = getattr(callback, "__name__", "") in PAUSE_CALLBACKS
        self._order += 1
        heapq.heappush(
            self._timers, (when, QUIET_BEFORE_PAUSE if pause else QUIET_BEFORE_TIMEOUT, self._order, handle)
        )
        return handle

    def quiet_before_next_timer(self) -> float:
        now = self.time()
        timers = self._timers
        while timers and (timers[0][3].cancelled() or timers[0][0] < now):
            heapq.heappop(timers)
        return timers[0][1] if timers else QUIET_BEFORE_PAUSE


class LoopClock(FakeClock):
    """A FakeClock that also moves with the running loop's (virtual) time; `advance` still jumps it."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(start)
        self._origin: float | None = None

    def now(self) -> datetime:
        loop_time = asyncio.get_running_loop().time()
        if self._origin is None:
            self._origin = loop_time
        return super().now() + timedelta(seconds=loop_time - self._origin)
