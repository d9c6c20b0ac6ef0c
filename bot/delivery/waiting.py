"""Waiting for a signal or for a while, whichever comes first."""

from __future__ import annotations

import asyncio


async def wait_for_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait until `event` is set or `seconds` have passed; True when it was set.

    A pause, not a timeout: nothing failed when the time runs out, so it is an `asyncio.sleep` racing the
    event (which also lets tests on virtual time skip it).
    """
    if event.is_set():
        return True
    waiter = asyncio.create_task(event.wait())
    sleeper = asyncio.create_task(asyncio.sleep(seconds))
    try:
        await asyncio.wait({waiter, sleeper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        sleeper.cancel()
    return event.is_set()
