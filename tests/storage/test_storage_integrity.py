"""Tampered or moved ciphertexts raise a clear integrity error; they never decrypt to garbage."""

from __future__ import annotations

from uuid import UUID

import pytest
from sqlalchemy import select, update

from domain.clock import FakeClock
from storage.database import Database
from storage.errors import CiphertextIntegrityError
from storage.repositories.profiles import PROFILES

PROFILE_TABLE = PROFILES.table


async def _two_clients(database: Database, clock: FakeClock) -> tuple[UUID, UUID]:
    async with database.unit_of_work() as uow:
        ids = []
        for external_id, name in (("1001", "Alice Example"), ("1002", "Bob Example")):
            account = await uow.accounts.create("telegram", external_id, locale="en", now=clock.now())
            await uow.profiles.create(account.id, now=clock.now())
            await uow.profiles.update(account.id, now=clock.now(), display_name=name, about_me=f"about {name}")
            ids.append(account.id)
    return ids[0], ids[1]


async def test_swapping_ciphertexts_between_rows_is_detected(database: Database, clock: FakeClock) -> None:
    first, second = await _two_clients(database, clock)
    async with database.unit_of_work() as uow:
        result = await uow.session.execute(select(PROFILE_TABLE.c.account_id, PROFILE_TABLE.c.display_name))
        names = {account_id: name for account_id, name in result}
        await uow.session.execute(
            update(PROFILE_TABLE).where(PROFILE_TABLE.c.account_id == first).values(display_name=names[second])
        )
    async with database.unit_of_work() as uow:
        with pytest.raises(CiphertextIntegrityError) as caught:
            await uow.profiles.get(first)
    assert (caught.value.table, caught.value.column, caught.value.row_id) == (
        "client_profiles",
        "display_name",
        str(first),
    )
    assert "Example" not in str(caught.value)


async def test_moving_a_ciphertext_to_another_column_is_detected(database: Database, clock: FakeClock) -> None:
    first, _ = await _two_clients(database, clock)
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            update(PROFILE_TABLE)
            .where(PROFILE_TABLE.c.account_id == first)
            .values(about_me=PROFILE_TABLE.c.display_name)
        )
    async with database.unit_of_work() as uow:
        with pytest.raises(CiphertextIntegrityError, match="column about_me"):
            await uow.profiles.get(first)


async def test_a_flipped_bit_is_detected(database: Database, clock: FakeClock) -> None:
    first, _ = await _two_clients(database, clock)
    async with database.unit_of_work() as uow:
        query = select(PROFILE_TABLE.c.display_name).where(PROFILE_TABLE.c.account_id == first)
        sealed = await uow.session.scalar(query)
        assert sealed is not None
        damaged = bytearray(sealed)
        damaged[-1] ^= 0x80
        await uow.session.execute(
            update(PROFILE_TABLE).where(PROFILE_TABLE.c.account_id == first).values(display_name=bytes(damaged))
        )
    async with database.unit_of_work() as uow:
        with pytest.raises(CiphertextIntegrityError, match=f"table client_profiles, column display_name, row {first}"):
            await uow.profiles.get(first)
