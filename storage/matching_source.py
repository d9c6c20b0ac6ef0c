"""Storage to matcher: the clear match facts and partner preferences of clients, as `domain.matching` values.

The matcher reads only what is kept in the clear (docs/privacy.md): `ProfilesRepository.match_facts` and the
preferences decrypt nothing. The bot keeps one `MatchPool` per process (the composition root builds it):

    index = await pool.current(uow)   # built on first use, then brought up to date with what changed

`current` re-reads only the clients whose profile or preferences changed since the last call (on any
instance: the change times are in the database), so edits, pauses and new registrations show up in the
next suggestion without the handlers having to tell the index. Deleted clients leave with their rows; the
handlers drop an id whose profile is gone (`MatchPool.forget`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from uuid import UUID

from domain.matching.index import MatchIndex
from domain.matching.model import MatchPreferences, MatchProfile
from storage.records import ClientProfile, MatchFacts, PartnerPreferences
from storage.unit_of_work import UnitOfWork

MATCHABLE = ("active",)


def to_match_preferences(preferences: PartnerPreferences | None) -> MatchPreferences:
    """A client's partner preferences as the matcher reads them (none saved: no wishes at all)."""
    if preferences is None:
        return MatchPreferences()
    return MatchPreferences(
        gender_sought=preferences.gender_sought,
        age_min=preferences.age_min,
        age_max=preferences.age_max,
        height_min=preferences.height_min,
        height_max=preferences.height_max,
        min_education=preferences.min_education,
        regions=frozenset(preferences.regions),
        marital=frozenset(preferences.marital),
        children=preferences.children,
        must_have=frozenset(preferences.must_have),
    )


def to_match_profile(
    facts: MatchFacts | ClientProfile, preferences: PartnerPreferences | None, *, timezone: tzinfo = UTC
) -> MatchProfile[UUID]:
    """One client for the matcher; `timezone` decides which calendar day the last activity fell on."""
    last_active = facts.last_active_at
    return MatchProfile(
        id=facts.account_id,
        gender=facts.gender,
        birth_year=facts.birth_year,
        height_cm=facts.height_cm,
        education=facts.education,
        region_code=facts.region_code,
        marital_history=facts.marital_history,
        has_children=facts.has_children,
        wants_children=facts.wants_children,
        personality=frozenset(facts.personality),
        hobbies=frozenset(facts.hobbies),
        last_active=None if last_active is None else last_active.astimezone(timezone).date(),
        preferences=to_match_preferences(preferences),
    )


async def load_match_profiles(
    uow: UnitOfWork,
    *,
    statuses: Sequence[str] = MATCHABLE,
    timezone: tzinfo = UTC,
    account_ids: Collection[UUID] | None = None,
) -> list[MatchProfile[UUID]]:
    """Every client in `statuses` (among `account_ids` when given) with their preferences, in two queries."""
    facts = await uow.profiles.match_facts(statuses=statuses, account_ids=account_ids)
    preferences = await uow.preferences.get_many(account_ids)
    return [to_match_profile(row, preferences.get(row.account_id), timezone=timezone) for row in facts]


async def load_match_profile(uow: UnitOfWork, account_id: UUID, *, timezone: tzinfo = UTC) -> MatchProfile[UUID] | None:
    """One client (whatever their status), or None without a profile.

    There is no single-client `match_facts`, so this reads the profile record, which opens its sealed fields
    too; only the clear facts are used.
    """
    profile = await uow.profiles.get(account_id)
    if profile is None:
        return None
    return to_match_profile(profile, await uow.preferences.get(account_id), timezone=timezone)


async def build_match_index(
    uow: UnitOfWork, *, statuses: Sequence[str] = MATCHABLE, timezone: tzinfo = UTC
) -> MatchIndex[UUID]:
    """A fresh index of every matchable client."""
    return MatchIndex.build(await load_match_profiles(uow, statuses=statuses, timezone=timezone))


async def refresh_match_index(
    uow: UnitOfWork,
    index: MatchIndex[UUID],
    account_id: UUID,
    *,
    statuses: Sequence[str] = MATCHABLE,
    timezone: tzinfo = UTC,
) -> bool:
    """Bring one client's entry up to date after their profile, preferences or status changed: upserted when
    their status is matchable, taken out otherwise (paused, deleted, no profile). Says whether they are in."""
    profile = await uow.profiles.get(account_id)
    if profile is None or profile.status not in statuses:
        index.discard(account_id)
        return False
    index.upsert(to_match_profile(profile, await uow.preferences.get(account_id), timezone=timezone))
    return True


async def unreachable_among(uow: UnitOfWork, account_ids: Iterable[UUID]) -> set[UUID]:
    """The accounts among `account_ids` that blocked the bot, were deleted, or do not exist: the `inactive`
    input of `MatchIndex.suggest`. Reads clear columns only."""
    return await uow.accounts.unreachable_among(account_ids)


class MatchPool:
    """The process's match index, kept current from the database.

    `overlap`: how far back each refresh looks before the previous one, so a change committed late by a
    slow transaction (its `updated_at` is the time it was made, not committed) is still picked up. A client
    seen again in the overlap with the same `updated_at` is not loaded again: under a steady stream of
    changes a refresh loads only what changed since the last one, not the last `overlap` of them.
    """

    def __init__(self, *, timezone: tzinfo = UTC, overlap: timedelta = timedelta(minutes=2)) -> None:
        self.timezone = timezone
        self.overlap = overlap
        self._index: MatchIndex[UUID] | None = None
        self._synced_at: datetime | None = None
        self._versions: dict[UUID, datetime] = {}  # the `updated_at` each refreshed client was loaded at
        self._lock = asyncio.Lock()

    async def current(self, uow: UnitOfWork) -> MatchIndex[UUID]:
        async with self._lock:
            now = uow.context.clock.now()
            if self._index is None or self._synced_at is None:
                self._index = MatchIndex.build(await load_match_profiles(uow, timezone=self.timezone))
            else:
                recent = await uow.profiles.changed_since(self._synced_at - self.overlap)
                changed = [account_id for account_id, at in recent.items() if self._versions.get(account_id) != at]
                self._versions = recent  # older versions fell out of the overlap: nothing can come late for them
                if changed:
                    loaded = await load_match_profiles(uow, account_ids=changed, timezone=self.timezone)
                    fresh = {profile.id: profile for profile in loaded}
                    for account_id in changed:
                        if account_id in fresh:
                            self._index.upsert(fresh[account_id])
                        else:
                            self._index.discard(account_id)
            self._synced_at = now
            return self._index

    def forget(self, account_id: UUID) -> None:
        """Drop a client the database no longer holds as matchable (deleted since the last refresh)."""
        if self._index is not None:
            self._index.discard(account_id)
