"""The storage adapter: clients in the database become the matcher's profiles and index entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.clock import FakeClock
from storage import matching_source
from storage.database import Database
from storage.matching_source import (
    MatchPool,
    build_match_index,
    load_match_profile,
    load_match_profiles,
    refresh_match_index,
    unreachable_among,
)
from storage.records import PartnerPreferences
from storage.unit_of_work import UnitOfWork

TODAY = date(2026, 1, 5)


async def client(uow: UnitOfWork, now: datetime, number: int, *, wishes: dict[str, Any] | None, **facts: Any) -> UUID:
    account = await uow.accounts.create("telegram", str(5550000 + number), locale="en", now=now)
    await uow.profiles.create(account.id, now=now)
    values: dict[str, Any] = {
        "status": "active",
        "gender": "female",
        "birth_date": date(1996, 6, 1),
        "height_cm": 163,
        "education": "bachelor",
        "region_code": "320500",
        "marital_history": "never",
        "has_children": False,
        "wants_children": "yes",
        "personality": ["gentle"],
        "hobbies": ["tea", "hiking"],
        "last_active_at": now,
    }
    values.update(facts)
    await uow.profiles.update(account.id, now=now, **values)
    if wishes is not None:
        await uow.preferences.save(PartnerPreferences(account_id=account.id, **wishes), now=now)
    return account.id


async def test_clients_become_profiles_and_suggestions(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with database.unit_of_work() as uow:
        him = await client(
            uow, now, 1, gender="male", birth_date=date(1992, 2, 2), height_cm=176, hobbies=["hiking"],
            wishes={"gender_sought": "female", "age_max": 32, "regions": ["320000"], "must_have": ["age", "regions"]},
        )
        her = await client(uow, now, 2, wishes={"gender_sought": "male", "age_min": 28, "must_have": ["age"]})
        too_old = await client(uow, now, 3, birth_date=date(1990, 1, 1), wishes={"gender_sought": "male"})
        paused = await client(uow, now, 4, status="paused", wishes={"gender_sought": "male"})
        no_wishes = await client(uow, now, 5, wishes=None)
        picky = await client(uow, now, 6, wishes={"gender_sought": "male", "height_min": 180, "must_have": ["height"]})
    async with database.unit_of_work() as uow:
        profiles = {p.id: p for p in await load_match_profiles(uow)}
        index = await build_match_index(uow)
    assert set(profiles) == {him, her, too_old, no_wishes, picky}
    mine = profiles[him]
    assert (mine.gender, mine.birth_year, mine.region_code, mine.last_active) == ("male", 1992, "320500", TODAY)
    assert mine.preferences.must_have == {"age", "regions"} and mine.preferences.regions == {"320000"}
    assert profiles[no_wishes].preferences.gender_sought is None
    found = index.suggest(him, max_exposure=3, day=TODAY)
    assert {s.candidate_id for s in found} == {her, no_wishes} and len(found) == 2
    assert found[0].reasons

    later = clock.advance(timedelta(days=1))
    async with database.unit_of_work() as uow:
        await uow.preferences.save(
            PartnerPreferences(account_id=her, gender_sought="male", height_min=180, must_have=["height"]), now=later
        )
        assert await refresh_match_index(uow, index, her)
        await uow.profiles.update(no_wishes, now=later, status="paused")
        assert not await refresh_match_index(uow, index, no_wishes)
        await uow.profiles.update(paused, now=later, status="active")
        assert await refresh_match_index(uow, index, paused)
        assert not await refresh_match_index(uow, index, uuid4())
        loaded = await load_match_profile(uow, paused)
    assert [s.candidate_id for s in index.suggest(him, max_exposure=3, day=TODAY)] == [paused]
    assert loaded is not None and loaded.id == paused


async def test_unreachable_and_deleted_accounts_are_inactive(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with database.unit_of_work() as uow:
        reachable = await client(uow, now, 1, wishes=None)
        blocked = await client(uow, now, 2, wishes=None)
        await uow.accounts.mark_unreachable(blocked, now)
    missing = uuid4()
    async with database.unit_of_work() as uow:
        assert await unreachable_among(uow, [reachable, blocked, missing]) == {blocked, missing}


async def test_last_activity_is_dated_in_the_agencys_time_zone(database: Database, clock: FakeClock) -> None:
    late_evening_utc = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
    async with database.unit_of_work() as uow:
        await client(uow, clock.now(), 1, wishes=None, last_active_at=late_evening_utc)
    async with database.unit_of_work() as uow:
        [utc] = await load_match_profiles(uow)
        [beijing] = await load_match_profiles(uow, timezone=timezone(timedelta(hours=8)))
    assert (utc.last_active, beijing.last_active) == (date(2026, 1, 5), date(2026, 1, 6))


async def test_the_pool_reloads_only_what_changed_since_its_last_refresh(
    database: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded: list[set[UUID]] = []
    real_load = matching_source.load_match_profiles

    async def counted(uow: UnitOfWork, **kwargs: Any) -> Any:
        loaded.append(set(kwargs.get("account_ids") or ()))
        return await real_load(uow, **kwargs)

    monkeypatch.setattr(matching_source, "load_match_profiles", counted)
    pool = MatchPool(overlap=timedelta(minutes=2))
    async with database.unit_of_work() as uow:
        first = await client(uow, clock.now(), 1, wishes={"gender_sought": "male"})
        await pool.current(uow)  # built
    clock.advance(timedelta(seconds=10))
    async with database.unit_of_work() as uow:
        second = await client(uow, clock.now(), 2, wishes={"gender_sought": "male"})
        index = await pool.current(uow)
    assert loaded[1:] == [{first, second}]  # both changed within the overlap, neither loaded at that version yet
    assert second in index

    clock.advance(timedelta(seconds=10))
    async with database.unit_of_work() as uow:
        await pool.current(uow)  # both still within the overlap, unchanged since: nothing to load
        await uow.profiles.update(first, now=clock.now(), height_cm=170)
    clock.advance(timedelta(seconds=10))
    async with database.unit_of_work() as uow:
        await pool.current(uow)
    assert loaded[2:] == [{first}]
