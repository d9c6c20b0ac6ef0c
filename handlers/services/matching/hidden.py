"""Who is hidden from everyone's suggestions for now: the one check the candidate selection asks.

`Matchmaker` passes these ids to the index as `inactive` whenever it makes a list, so nobody sees them until
the moment each is hidden until has passed. Moderation (docs/quality.md: a reported profile hidden for N days,
a suspended account) answers from its own table, in one query whatever the pool's size.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.consent import NOTICE_VERSION
from storage.repositories.quality_moderation import ModerationRepository
from storage.unit_of_work import UnitOfWork


async def hidden_from_suggestions(uow: UnitOfWork, now: datetime) -> set[UUID]:
    """The clients excluded from suggestions at `now`: hidden until a later moment, or suspended (report
    moderation), or still on an earlier privacy notice (docs/quality.md)."""
    return await ModerationRepository.of(uow).hidden_ids(now, notice_version=NOTICE_VERSION)
