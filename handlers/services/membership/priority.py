"""Who is served first: the handoff queue in the order of the clients' entitlements (`queue_priority`, higher
first), the longest waiting first within the same priority."""

from __future__ import annotations

from collections.abc import Sequence

from domain.handoff import Handoff
from domain.membership.schedule import entitlements
from storage.unit_of_work import UnitOfWork


async def queue_order(uow: UnitOfWork, waiting: Sequence[Handoff]) -> list[Handoff]:
    """`waiting` (the longest waiting first) reordered by the entitlements table; a stable sort, so equal
    priorities keep their waiting order."""
    priority: dict[object, int] = {}
    for handoff in waiting:
        profile = await uow.profiles.get(handoff.client_id)
        priority[handoff.id] = entitlements(None if profile is None else profile.tier).queue_priority
    return sorted(waiting, key=lambda handoff: -priority[handoff.id])
