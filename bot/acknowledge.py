"""When an update may be acknowledged to Telegram: as soon as its transaction committed.

Whoever received the update (the long-polling `UpdatePoller`) wraps its handling in `acknowledging(callback)`;
`RepliesAfterCommit` calls `committed()` right after the update's unit of work committed and before its replies
go out. From then on the update is safe without Telegram sending it again: its effects and its update-id dedupe
row are in the database, and every reply it decided is insured by an outbox row (the worker sends what a crash
leaves unsent). An update that never commits (it raised, or was cancelled) is acknowledged only when its
handling ended, by the receiver itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

OnCommit = Callable[[], Awaitable[None]]

_on_commit: ContextVar[OnCommit | None] = ContextVar("yuelao_on_commit", default=None)


@contextmanager
def acknowledging(callback: OnCommit) -> Iterator[None]:
    """Within: `callback` is awaited once the current update's transaction committed."""
    token = _on_commit.set(callback)
    try:
        yield
    finally:
        _on_commit.reset(token)


async def committed() -> None:
    """The current update's transaction committed: tell its receiver (once; nothing when none listens)."""
    callback = _on_commit.get()
    if callback is not None:
        _on_commit.set(None)
        await callback()
