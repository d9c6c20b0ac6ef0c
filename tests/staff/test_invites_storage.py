"""The invites repository on SQLite and PostgreSQL: the code only as a keyed hash, one use only."""

from __future__ import annotations

from datetime import timedelta

from domain import invites
from domain.clock import FakeClock
from storage.database import Database
from storage.privacy_ops import shred_account
from tests.db_fixtures import RawContents


async def test_an_invite_is_found_by_its_code_and_used_once(database: Database, clock: FakeClock) -> None:
    code = invites.new_code()
    now = clock.now()
    async with database.unit_of_work() as uow:
        owner = await uow.accounts.create("telegram", "1", locale="en", now=now)
        newcomer = await uow.accounts.create("telegram", "2", locale="en", now=now)
        created = await uow.invites.create(
            code, role="counselor", created_by=owner.id, now=now, expires_at=now + timedelta(hours=24)
        )

    async with database.unit_of_work() as uow:
        found = await uow.invites.find(code)
        assert found == created
        assert await uow.invites.find(invites.new_code()) is None
        assert await uow.invites.use(created.id, account_id=newcomer.id, now=now) is True
        assert await uow.invites.use(created.id, account_id=owner.id, now=now) is False

    async with database.unit_of_work(read_only=True) as uow:
        used = await uow.invites.find(code)
    assert used is not None and (used.used_by, used.used_at) == (newcomer.id, now)


async def test_the_code_is_not_stored(database: Database, clock: FakeClock, raw_contents: RawContents) -> None:
    code = invites.new_code()
    async with database.unit_of_work() as uow:
        await uow.invites.create(
            code, role="manager", created_by=None, now=clock.now(), expires_at=clock.now() + timedelta(hours=1)
        )
    await database.checkpoint()

    assert code.encode() not in await raw_contents()


async def test_shredding_the_inviter_keeps_the_personnel_record(database: Database, clock: FakeClock) -> None:
    code = invites.new_code()
    now = clock.now()
    async with database.unit_of_work() as uow:
        owner = await uow.accounts.create("telegram", "1", locale="en", now=now)
        await uow.invites.create(code, role="finance", created_by=owner.id, now=now, expires_at=now)
    async with database.unit_of_work() as uow:
        await shred_account(uow, owner.id, now=now)
    async with database.unit_of_work(read_only=True) as uow:
        kept = await uow.invites.find(code)
    assert kept is not None and kept.created_by == owner.id
