"""Storage to matcher: the clear match facts and partner preferences of clients, as `domain.matching` values.

The matcher reads only what is kept in the clear (docs/privacy.md): `ProfilesRepository.match_facts` and the
preferences decrypt nothing. Typical use, in the bot's composition root and in the handlers:

    async with database.unit_of_work() as uow:          # at start-up
        index = await build_match_index(uow)
    ...
    await refresh_match_index(uow, index, account_id)   # after a profile, its preferences or status changed
    inactive = await unreachable_among(uow, candidate_ids)

The exclusions (suggested, passed, introduced, blocked, reported) and the exposure counts have no tables
yet; the matching handlers bring them (see docs/matching.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, tzinfo
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
    uow: UnitOfWork, *, statuses: Sequence[str] = MATCHABLE, timezone: tzinfo = UTC
) -> list[MatchProfile[UUID]]:
    """Every client in `statuses` with their preferences.

    The facts come in one query; the preferences repository reads one client at a time (`get`), so this
    makes one more query per client: fine at start-up for thousands, slow for a million (a bulk read of
    preferences is what `PreferencesRepository` lacks; see docs/matching.md).
    """
    found = []
    for facts in await uow.profiles.match_facts(statuses=statuses):
        preferences = await uow.preferences.get(facts.account_id)
        found.append(to_match_profile(facts, preferences, timezone=timezone))
    return found


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
    input of `MatchIndex.suggest`. Reads whole account records (their sealed ids are opened), so pass the
    ids at hand, not the whole pool."""
    wanted = set(account_ids)
    accounts = await uow.accounts.get_many(wanted)
    return {i for i in wanted if i not in accounts or accounts[i].unreachable or accounts[i].is_deleted}
