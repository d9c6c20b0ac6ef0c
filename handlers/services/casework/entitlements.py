"""What a client's membership includes right now, for casework and registration: the tier of a membership that
has not run out (the expiry job may not have run yet), else the free tier. The entitlements table decides
(`domain.membership.schedule`), never a tier's name; `MembershipDesk.standing` reads the membership the same way."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.membership.schedule import Entitlements, Tier, schedule
from storage.unit_of_work import UnitOfWork


async def current_tier(uow: UnitOfWork, client_id: UUID, now: datetime) -> Tier:
    membership = await uow.memberships.get(client_id)
    running = membership is not None and membership.expires_at > now
    return schedule().tier(membership.tier if running and membership is not None else None)


async def entitled(uow: UnitOfWork, client_id: UUID, now: datetime) -> Entitlements:
    """What the client's current tier includes."""
    return (await current_tier(uow, client_id, now)).entitlements


def tiers_with_curation() -> tuple[Tier, ...]:
    return tuple(tier for tier in schedule().tiers if tier.entitlements.curation)
