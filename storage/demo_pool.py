"""Writing the demo pool (domain/demo.py): web accounts `demo-<n>` marked `demo`, each with a consent, an active
profile and partner preferences, sealed like any client's data.

    async with database.unit_of_work() as uow:
        if not await has_clients(uow):
            created = await seed_demo(uow, people, now)

`seed_demo_in_batches(database, people, now)` does the same in one unit of work per batch (200 people), so a
large pool neither holds one long transaction nor caches thousands of data keys at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from domain.consent import NOTICE_VERSION
from domain.demo import DemoPerson
from domain.profile import Status
from storage.crypto.blind_index import ACCOUNT_EXTERNAL_ID
from storage.database import Database
from storage.models.accounts import AccountRow
from storage.models.clients import ClientProfileRow
from storage.records import PartnerPreferences
from storage.unit_of_work import UnitOfWork

DEMO_CHANNEL = "web"
DEFAULT_BATCH = 200
_LOOKUP_CHUNK = 500  # blind indexes per IN (...) query, well below every driver's parameter limit


async def has_clients(uow: UnitOfWork) -> bool:
    """Whether any client profile (in any status) or any demo account exists."""
    if await uow.session.scalar(select(ClientProfileRow.account_id).limit(1)) is not None:
        return True
    return await uow.session.scalar(select(AccountRow.id).where(AccountRow.demo.is_(True)).limit(1)) is not None


async def existing_demo_ids(uow: UnitOfWork, external_ids: Sequence[str]) -> set[str]:
    """Those of `external_ids` that already have a web account (found through the blind index)."""
    by_index = {uow.context.crypto.blind_index(ACCOUNT_EXTERNAL_ID, value): value for value in external_ids}
    indexes = list(by_index)
    found: set[str] = set()
    for start in range(0, len(indexes), _LOOKUP_CHUNK):
        chunk = indexes[start : start + _LOOKUP_CHUNK]
        query = select(AccountRow.external_id_index).where(
            AccountRow.channel == DEMO_CHANNEL, AccountRow.external_id_index.in_(chunk)
        )
        found.update(by_index[index] for index in await uow.session.scalars(query) if index is not None)
    return found


async def seed_demo(uow: UnitOfWork, people: Sequence[DemoPerson], now: datetime) -> int:
    """Create the demo clients among `people` that do not exist yet (by number); returns how many were created.

    Each gets a web account `demo-<n>` marked demo, a consent to the current notice, an active profile with
    every intake answer but photos, and partner preferences. Call within one unit of work; it does not commit.
    """
    existing = await existing_demo_ids(uow, [person.external_id for person in people])
    created = 0
    for person in people:
        if person.external_id in existing:
            continue
        await _create(uow, person, now)
        existing.add(person.external_id)
        created += 1
    return created


async def seed_demo_in_batches(
    database: Database, people: Sequence[DemoPerson], now: datetime, *, batch: int = DEFAULT_BATCH
) -> int:
    """`seed_demo` in one unit of work (one transaction) per `batch` people; returns how many were created."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    created = 0
    for start in range(0, len(people), batch):
        async with database.unit_of_work() as uow:
            created += await seed_demo(uow, people[start : start + batch], now)
    return created


async def _create(uow: UnitOfWork, person: DemoPerson, now: datetime) -> None:
    account = await uow.accounts.create(DEMO_CHANNEL, person.external_id, locale=person.locale, now=now, demo=True)
    await uow.consents.record(account.id, NOTICE_VERSION, now=now)
    await uow.profiles.create(account.id, now=now, status=Status.ACTIVE)
    answers = dataclasses.asdict(person.as_profile())
    await uow.profiles.update(
        account.id, now=now, **answers, last_active_at=now - timedelta(hours=person.active_hours_ago)
    )
    wishes = dataclasses.asdict(person.preferences.as_data())
    await uow.preferences.save(PartnerPreferences(account_id=account.id, **wishes), now=now)
