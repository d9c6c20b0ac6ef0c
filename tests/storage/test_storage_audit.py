"""The audit log can be appended to and read; the database refuses to change or delete it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from domain.clock import FakeClock
from storage.database import Database
from storage.repositories.audit import AuditRepository


async def test_entries_are_listed_by_subject_actor_and_time(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        staff = await uow.accounts.create("telegram", "1", locale="en", now=clock.now())
        client = await uow.accounts.create("telegram", "2", locale="en", now=clock.now())
        first = await uow.audit.record(
            action="profile.read",
            now=clock.now(),
            actor_account_id=staff.id,
            subject_account_id=client.id,
            reason="preparing the first date",
        )
        second = await uow.audit.record(
            action="fees.changed",
            now=clock.advance(timedelta(minutes=1)),
            actor_account_id=staff.id,
            reason="new price list",
        )
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.audit.list_for_subject(client.id) == [first]
        assert await uow.audit.list_by_actor(staff.id) == [second, first]
        assert await uow.audit.list_recent(limit=1) == [second]
        assert await uow.audit.list_recent(before=second.at) == [first]
    assert first.reason == "preparing the first date" and second.reason == "new price list"


def test_the_repository_offers_no_way_to_change_entries() -> None:
    public = {name for name in dir(AuditRepository) if not name.startswith("_")}
    assert public == {"record", "list_for_subject", "list_by_actor", "list_recent", "list_page", "by_reference"}


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET action = 'nothing'", "DELETE FROM audit_log"])
async def test_the_database_refuses_to_change_or_delete_entries(
    database: Database, clock: FakeClock, statement: str
) -> None:
    async with database.unit_of_work() as uow:
        await uow.audit.record(action="profile.read", now=clock.now())
    with pytest.raises(DBAPIError, match="append-only"):
        async with database.unit_of_work() as uow:
            await uow.session.execute(text(statement))
    async with database.unit_of_work(read_only=True) as uow:
        assert [entry.action for entry in await uow.audit.list_recent()] == ["profile.read"]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_postgresql_refuses_truncate_too(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        await uow.audit.record(action="profile.read", now=clock.now())
    with pytest.raises(DBAPIError, match="append-only"):
        async with database.unit_of_work() as uow:
            await uow.session.execute(text("TRUNCATE audit_log"))
