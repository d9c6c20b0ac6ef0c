"""The repositories: plain values in, plain frozen records out, one transaction per unit of work."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import UUID

import pytest
from sqlalchemy.exc import IntegrityError

from domain.clock import FakeClock
from storage.database import Database
from storage.errors import AccountDeletedError, NotFoundError
from storage.privacy_ops import shred_account
from storage.records import PartnerPreferences
from tests.storage.sample_data import PHONE, create_sample_client


async def test_accounts_are_found_by_channel_and_external_id(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        created = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
    async with database.unit_of_work() as uow:
        found = await uow.accounts.find_by_external("telegram", "1001")
        assert found == created
        assert found is not None and found.external_id == "1001" and found.locale == "en"
        assert await uow.accounts.find_by_external("web", "1001") is None
        assert await uow.accounts.find_by_external("telegram", "1002") is None
        assert await uow.accounts.get(created.id) == created


async def test_a_duplicate_account_is_refused(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
    with pytest.raises(IntegrityError) as caught:
        async with database.unit_of_work() as uow:
            await uow.accounts.create("telegram", "1001", locale="zh", now=clock.now())
    assert "1001" not in str(caught.value) and "parameters hidden" in str(caught.value)


async def test_get_or_create_is_safe_when_two_updates_race(database: Database, clock: FakeClock) -> None:
    async def first_contact() -> tuple[object, bool]:
        async with database.unit_of_work() as uow:
            return await uow.accounts.get_or_create("web", "chat-1", locale="zh", now=clock.now())

    results = await asyncio.gather(first_contact(), first_contact())
    accounts = {account for account, _ in results}
    assert len(accounts) == 1
    assert sorted(created for _, created in results) == [False, True]


async def test_locale_last_seen_and_reachability(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
    blocked_at = clock.advance(timedelta(hours=1))
    async with database.unit_of_work() as uow:
        await uow.accounts.set_locale(account.id, "zh")
        await uow.accounts.mark_unreachable(account.id, blocked_at)
        await uow.accounts.mark_unreachable(account.id, clock.advance(timedelta(hours=1)))
    async with database.unit_of_work() as uow:
        blocked = await uow.accounts.require(account.id)
        assert (blocked.locale, blocked.unreachable, blocked.unreachable_since) == ("zh", True, blocked_at)
        await uow.accounts.touch(account.id, clock.advance(timedelta(hours=1)))
    async with database.unit_of_work() as uow:
        back = await uow.accounts.require(account.id)
        assert (back.unreachable, back.unreachable_since, back.last_seen_at) == (False, None, clock.now())
        with pytest.raises(ValueError, match="locale must be one of"):
            await uow.accounts.set_locale(account.id, "fr")


async def test_unknown_and_deleted_accounts_are_clear_errors(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        await shred_account(uow, account.id, clock.now())
    async with database.unit_of_work() as uow:
        with pytest.raises(AccountDeletedError):
            await uow.accounts.touch(account.id, clock.now())
        with pytest.raises(NotFoundError):
            await uow.accounts.require(UUID(int=1))


async def test_timestamps_come_back_aware_and_in_utc(database: Database) -> None:
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 3, 1, 20, 30, 15, 123456, tzinfo=shanghai)
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=moment)
    async with database.unit_of_work() as uow:
        stored = await uow.accounts.require(account.id)
    assert stored.created_at == moment and stored.created_at.tzinfo == UTC
    with pytest.raises(Exception, match="timezone-aware"):
        async with database.unit_of_work() as uow:
            await uow.accounts.create("telegram", "1002", locale="en", now=datetime(2026, 1, 1))


async def test_profile_fields_roundtrip(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
    async with database.unit_of_work() as uow:
        profile = await uow.profiles.require(sample.account_id)
    assert profile.birth_date == date(1991, 3, 17) and profile.birth_year == 1991
    assert profile.phone == PHONE and profile.personality == ["calm", "curious"]
    assert (profile.status, profile.tier, profile.activated_at) == ("active", "premium", clock.now())
    assert profile.has_children is False

    async with database.unit_of_work() as uow:
        cleared = await uow.profiles.update(sample.account_id, now=clock.now(), about_me=None, birth_date=None)
    assert cleared.about_me is None and cleared.birth_year is None and cleared.occupation == profile.occupation


async def test_profile_codes_are_validated(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now())
        with pytest.raises(ValueError, match="gender must be one of"):
            await uow.profiles.update(account.id, now=clock.now(), gender="unknown")
        with pytest.raises(ValueError, match="hobbies must be a list"):
            await uow.profiles.update(account.id, now=clock.now(), hobbies="music")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="not a profile field that can be changed: created_at"):
            await uow.profiles.update(account.id, now=clock.now(), created_at=clock.now())  # type: ignore[call-arg]


async def test_clients_are_found_by_phone(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
    async with database.unit_of_work() as uow:
        found = await uow.profiles.find_by_phone(PHONE)
        assert [profile.account_id for profile in found] == [sample.account_id]
        assert await uow.profiles.find_by_phone("+8613900000000") == []
        await uow.profiles.update(sample.account_id, now=clock.now(), phone=None)
        assert await uow.profiles.find_by_phone(PHONE) == []


async def test_listing_and_match_facts(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
        draft = await uow.accounts.create("telegram", "2002", locale="en", now=clock.now())
        await uow.profiles.create(draft.id, now=clock.now())
    async with database.unit_of_work() as uow:
        active = await uow.profiles.list_by_status("active")
        facts = await uow.profiles.match_facts(gender="female")
        assert await uow.profiles.match_facts(gender="male") == []
    assert [profile.account_id for profile in active] == [sample.account_id]
    assert len(facts) == 1 and facts[0].birth_year == 1991 and facts[0].region_code == "CN-ZJ"


async def test_preferences_are_saved_and_replaced(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        sample = await create_sample_client(uow, clock.now())
        saved = await uow.preferences.get(sample.account_id)
        assert saved is not None and saved.regions == ["CN-ZJ", "CN-SH"] and saved.must_have == ["age", "region"]
        replaced = await uow.preferences.save(
            PartnerPreferences(account_id=sample.account_id, age_min=28), now=clock.now()
        )
    async with database.unit_of_work() as uow:
        assert await uow.preferences.get(sample.account_id) == replaced
        assert replaced.age_min == 28 and replaced.regions == [] and replaced.gender_sought is None
        with pytest.raises(NotFoundError):
            await uow.preferences.save(PartnerPreferences(account_id=sample.staff_account_id), now=clock.now())


async def test_photos_keep_their_order(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        first = await uow.photos.add(account.id, "file-1", now=clock.now())
        second = await uow.photos.add(account.id, "file-2", now=clock.now())
        await uow.photos.add(account.id, "file-3", now=clock.now())
        await uow.photos.remove(first.id)
    async with database.unit_of_work() as uow:
        photos = await uow.photos.list_for(account.id)
        assert [(photo.position, photo.file_id) for photo in photos] == [(1, "file-2"), (2, "file-3")]
        assert await uow.photos.count_for(account.id) == 2
        assert await uow.photos.get(second.id) == photos[0]


async def test_staff_members(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        await uow.staff.add(account.id, role="counselor", display_name="Mei", now=clock.now())
        await uow.staff.set_role(account.id, "manager")
    async with database.unit_of_work() as uow:
        member = await uow.staff.require(account.id)
        assert (member.role, member.display_name, member.active) == ("manager", "Mei", True)
        assert await uow.staff.list(role="manager") == [member]
        await uow.staff.set_active(account.id, False)
        assert await uow.staff.list() == []
        assert len(await uow.staff.list(active_only=False)) == 1


async def test_consents(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
        await uow.consents.record(account.id, "2026-01", now=clock.now())
        latest = await uow.consents.record(account.id, "2026-06", now=clock.advance(timedelta(days=1)))
    async with database.unit_of_work() as uow:
        assert await uow.consents.latest(account.id) == latest
        assert await uow.consents.has_consented(account.id, "2026-01")
        assert not await uow.consents.has_consented(account.id, "2027-01")


async def test_a_failing_unit_of_work_leaves_nothing_behind(database: Database, clock: FakeClock) -> None:
    with pytest.raises(RuntimeError):
        async with database.unit_of_work() as uow:
            await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
            raise RuntimeError("handler failed")
    async with database.unit_of_work() as uow:
        assert await uow.accounts.find_by_external("telegram", "1001") is None


async def test_a_read_only_unit_of_work_reads(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "1001", locale="en", now=clock.now())
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.accounts.get(account.id) == account
