"""Pilots in the database (SQLite and PostgreSQL): live pilots, a client's arm recorded once at the first ask
(only clients registered after the start), what the comparison reads, ending once, and shredding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import event

from domain.clock import FakeClock
from domain.reports.pilots import Arm, Flag, Metric, Outcome, PilotState, arm_of
from handlers.services.reports.pilots import LIVE_TTL, PilotFlags
from storage.database import Database
from storage.privacy_ops import shred_account
from storage.repositories.pilots import PilotsRepository

DAY = timedelta(days=1)


async def _client(database: Database, clock: FakeClock, external: str) -> UUID:
    """A client registered (activated) at the clock's time."""
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", external, locale="en", now=clock.now())
        await uow.profiles.create(account.id, now=clock.now(), status="active")
    return account.id


async def test_arms_are_recorded_once_for_clients_registered_after_the_start(
    database: Database, clock: FakeClock
) -> None:
    early = await _client(database, clock, "1")
    clock.advance(DAY)
    async with database.unit_of_work() as uow:
        repository = PilotsRepository.of(uow)
        pilot = await repository.add(Flag.MORE_SUGGESTIONS, Metric.INTRODUCED_7D, 50, now=clock.now(), by=None)
    clock.advance(timedelta(minutes=1))
    clients = [await _client(database, clock, str(100 + n)) for n in range(20)]

    async with database.unit_of_work() as uow:
        flags = PilotFlags(uow)
        assert not await flags.on(early, Flag.MORE_SUGGESTIONS, now=clock.now())  # registered before the start
        answers = {client: await flags.on(client, Flag.MORE_SUGGESTIONS, now=clock.now()) for client in clients}
        assert not await flags.on(clients[0], Flag.FOLLOW_UP_CALL, now=clock.now())  # no pilot of that flag
    expected = {client: arm_of(pilot.id, client, 50) is Arm.PILOT for client in clients}
    assert answers == expected
    assert 0 < sum(answers.values()) < len(clients)

    async with database.unit_of_work() as uow:
        repository = PilotsRepository.of(uow)
        await repository.record(pilot.id, clients[0], Arm.PILOT, now=clock.now())  # a second record is ignored
        assert await repository.arm(pilot.id, clients[0]) is arm_of(pilot.id, clients[0], 50)
        assert await repository.arm(pilot.id, early) is None
        counts = await repository.arm_counts(pilot.id)
    assert sum(counts.values()) == 20 and counts[Arm.PILOT] == sum(expected.values())


async def test_outcomes_ending_and_shredding(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        repository = PilotsRepository.of(uow)
        pilot = await repository.add(Flag.FOLLOW_UP_CALL, Metric.DAYS_TO_INTRODUCTION, 30, now=clock.now(), by=None)
    registered = clock.now()
    ann, bob, cat = [await _client(database, clock, str(n)) for n in (1, 2, 3)]
    async with database.unit_of_work() as uow:
        repository = PilotsRepository.of(uow)
        await repository.record(pilot.id, ann, Arm.PILOT, now=clock.now())
        await repository.record(pilot.id, bob, Arm.CONTROL, now=clock.now())
        await uow.introductions.create(ann, cat, now=registered + 2 * DAY)  # cat is not in the pilot
        await uow.introductions.create(bob, ann, now=registered + 5 * DAY)  # ann's second: the first counts

    async with database.unit_of_work() as uow:
        repository = PilotsRepository.of(uow)
        outcomes = sorted(await repository.outcomes(pilot.id), key=lambda outcome: outcome.arm)
        assert outcomes == [
            Outcome(Arm.CONTROL, registered, registered + 5 * DAY),
            Outcome(Arm.PILOT, registered, registered + 2 * DAY),
        ]
        assert [p.id for p in await repository.live()] == [pilot.id]
        assert await repository.end(pilot.id, PilotState.ROLLED_OUT, now=clock.now(), by=None)
        assert not await repository.end(pilot.id, PilotState.STOPPED, now=clock.now(), by=None)  # once
        ended = await repository.get(pilot.id)
        assert ended is not None and ended.state is PilotState.ROLLED_OUT and ended.ended_at == clock.now()
        assert [p.id for p in await repository.live()] == [pilot.id]  # a rolled-out flag is still asked

    async with database.unit_of_work() as uow:
        await shred_account(uow, ann, clock.now())
    async with database.unit_of_work() as uow:
        assert [o.arm for o in await PilotsRepository.of(uow).outcomes(pilot.id)] == [Arm.CONTROL]


async def test_asking_a_flag_runs_no_statement_while_no_pilot_runs(database: Database, clock: FakeClock) -> None:
    client = await _client(database, clock, "1")
    async with database.unit_of_work() as uow:
        assert not await PilotFlags(uow).on(client, Flag.MORE_SUGGESTIONS, now=clock.now())  # reads the empty list

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    async def ask() -> bool:
        async with database.unit_of_work() as uow:
            bind = uow.session.get_bind()
            event.listen(bind, "before_cursor_execute", count)
            try:
                return await PilotFlags(uow).on(client, Flag.MORE_SUGGESTIONS, now=clock.now())
            finally:
                event.remove(bind, "before_cursor_execute", count)

    clock.advance(LIVE_TTL / 2)
    assert not await ask()
    assert statements == []  # another update within the TTL: nothing asked of the database
    clock.advance(LIVE_TTL)
    assert not await ask()
    assert len(statements) == 1 and "pilots" in statements[0]  # the list is read again after the TTL
