"""Writing transactions of one process take turns: one at a time on SQLite, `writers` at a time on PostgreSQL,
first come first served; reading ones never wait for them."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from storage.database import Database
from storage.keys import KeyMaterial

UNITS = 6


async def _peak(database: Database, *, hold_until: int, read_only: bool = False) -> tuple[int, list[int]]:
    """Run `UNITS` units of work at once; each stays in its transaction until `hold_until` units have been in
    one, then makes a few more round trips to the database (time for any unit not held back to get in too).
    Returns the most that were in a transaction at the same time, and the order they got in."""
    inside = peak = 0
    order: list[int] = []
    enough = asyncio.Condition()

    async def unit(number: int) -> None:
        nonlocal inside, peak
        async with database.unit_of_work(read_only=read_only) as uow:
            await uow.session.execute(text("SELECT 1"))
            inside += 1
            peak = max(peak, inside)
            order.append(number)
            async with enough:
                enough.notify_all()
                await enough.wait_for(lambda: len(order) >= hold_until)
            for _ in range(5):
                await uow.session.execute(text("SELECT 1"))
            inside -= 1

    await asyncio.gather(*(unit(number) for number in range(UNITS)))
    return peak, order


async def test_writing_transactions_take_turns(database_url: str, key_material: KeyMaterial) -> None:
    database = await Database.open(database_url, key_material, writers=3)
    try:
        turns = 1 if database.dialect_name == "sqlite" else 3
        peak, order = await _peak(database, hold_until=turns)
    finally:
        await database.close()
    assert peak == turns
    if turns == 1:
        assert order == list(range(UNITS))  # first come, first served


async def test_reading_transactions_do_not_wait_for_the_turn(database_url: str, key_material: KeyMaterial) -> None:
    database = await Database.open(database_url, key_material, writers=1)
    try:
        peak, _order = await _peak(database, hold_until=UNITS, read_only=True)
    finally:
        await database.close()
    assert peak == UNITS  # all six were in a transaction together
