"""Which handler runs for which kind of scheduled job. Features register; the runner looks up.

    registry.register("date.reminder", send_date_reminder)

    async def send_date_reminder(uow: UnitOfWork, ref_id: str, clock: Clock) -> None:
        ...  # read what `ref_id` names, enqueue the reminder; runs in the job's own unit of work

A handler's writes and the job's `done` commit together, so a job's effect happens exactly once. Handlers
must not talk to Telegram themselves: they enqueue messages (storage.repositories.delivery.enqueue).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from domain.clock import Clock
from domain.scheduling import validate_kind
from storage.unit_of_work import UnitOfWork

JobHandler = Callable[[UnitOfWork, str, Clock], Awaitable[None]]


class JobRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler] = {}

    def register(self, kind: str, handler: JobHandler) -> JobHandler:
        """Register `handler` for `kind` (once per kind); returns it, so it also works as a decorator's body."""
        validate_kind(kind)
        if kind in self._handlers and self._handlers[kind] is not handler:
            raise ValueError(f"a handler is already registered for {kind}")
        self._handlers[kind] = handler
        return handler

    def handler(self, kind: str) -> Callable[[JobHandler], JobHandler]:
        """Decorator form of `register`."""

        def decorate(handler: JobHandler) -> JobHandler:
            return self.register(kind, handler)

        return decorate

    def get(self, kind: str) -> JobHandler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> list[str]:
        return sorted(self._handlers)
