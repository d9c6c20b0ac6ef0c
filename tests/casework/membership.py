"""A client's membership set in the database (as a payment would leave it), for tests whose subject needs a tier
that includes curation or a dedicated counselor."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.clock import FakeClock
from storage.database import Database


async def make_member(database: Database, clock: FakeClock, client_id: UUID, tier: str = "premium") -> None:
    """`client_id` holds `tier` for the next 30 days (the membership row and the profile's tier)."""
    now = clock.now()
    async with database.unit_of_work() as uow:
        await uow.memberships.put(
            client_id, tier=tier, started_at=now, expires_at=now + timedelta(days=30), payment_id=None, now=now
        )
        await uow.profiles.update(client_id, now=now, tier=tier)


async def assign(database: Database, clock: FakeClock, counselor_id: UUID, *clients: UUID) -> None:
    """A manager gave `clients` to the counselor."""
    async with database.unit_of_work() as uow:
        for client in clients:
            await uow.assignments.assign(client, counselor_id, now=clock.now(), by=None)
