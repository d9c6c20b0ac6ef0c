"""Leases a live process keeps: the outbox rows it holds (`sending` under its claim token) stay its own for as
long as it runs, however long they wait for their chat's turn or for their outcome to be written.

A claim's lease is what lets another instance send a row whose claimer died. It must not run out while the
claimer is alive and merely busy: a row waiting in an overloaded limiter queue, or sent and waiting for its
"sent" to be written, would be claimed again by the next leader and sent twice. So each holder (the delivery
worker; every instance's replies after commit) renews its rows' leases every third of the lease, in one
UPDATE per holder. Only a process that stopped renewing (killed, or cut off from the database for a whole
lease) loses its rows; the existing checks before a send (`LEASE_MARGIN`) then leave the row to whoever
claims it next.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from bot.delivery.waiting import wait_for_event
from domain.clock import Clock
from storage.database import Database
from storage.errors import StorageError
from storage.repositories.delivery import OutboxRepository

log = logging.getLogger("yuelao.delivery")


class HeldLeases:
    """The rows one claim token holds and when each one's lease ends (as last renewed)."""

    def __init__(self, token: str, lease: timedelta) -> None:
        self.token = token
        self.lease = lease
        self._until: dict[int, datetime] = {}

    def __len__(self) -> int:
        return len(self._until)

    def hold(self, row_ids: Iterable[int], until: datetime) -> None:
        for row_id in row_ids:
            self._until[row_id] = until

    def drop(self, row_ids: Iterable[int]) -> None:
        for row_id in row_ids:
            self._until.pop(row_id, None)

    def until(self, row_id: int, default: datetime) -> datetime:
        """When the lease of `row_id` ends: its last renewal, else `default` (the claim's own)."""
        return self._until.get(row_id, default)

    async def renew(self, database: Database, clock: Clock) -> int:
        """Extend every held row's lease by a whole lease from now; rows no longer ours (finished, or taken
        over after a lease ran out) are let go. Returns how many were renewed."""
        if not self._until:
            return 0
        held = list(self._until)
        until = clock.now() + self.lease
        async with database.unit_of_work() as uow:
            renewed = set(await OutboxRepository.of(uow).renew(held, self.token, until))
        for row_id in held:
            if row_id in renewed:
                if row_id in self._until:  # not dropped while the UPDATE ran
                    self._until[row_id] = until
            else:
                self._until.pop(row_id, None)
        return len(renewed)

    async def keep(self, database: Database, clock: Clock, stop: asyncio.Event) -> None:
        """Renew every third of the lease until `stop` is set; a failed renewal is logged and tried again at
        the next turn (a third of the lease is left for it)."""
        interval = max(self.lease.total_seconds() / 3, 0.1)
        while not await wait_for_event(stop, interval):
            try:
                await self.renew(database, clock)
            except (SQLAlchemyError, OSError, StorageError) as exc:
                log.warning("could not renew the leases of %d outbox rows (%s)", len(self), type(exc).__name__)
