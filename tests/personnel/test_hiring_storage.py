"""Hiring storage on SQLite and PostgreSQL: a candidate's answers and the notes about them are sealed (no
plaintext at rest), a stage moves once when two managers press together, the pipeline counts, and a candidate
who deletes their account takes their application with them."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from domain.clock import FakeClock
from domain.personnel.hiring import Application, EventKind, Stage
from storage.database import Database
from storage.privacy_ops import shred_account
from storage.repositories.hiring import HiringRepository
from tests.db_fixtures import RawContents

APPLICATION = Application(
    name="Zhuge Qingyun",
    phone="+8613800138000",
    experience="Seven years as a wedding planner in Hangzhou",
    motivation="I enjoy bringing people together",
)
NOTE = "Strong interview; references from Hangzhou checked"


async def _account(database: Database, clock: FakeClock, external: str) -> UUID:
    async with database.unit_of_work() as uow:
        account, _created = await uow.accounts.get_or_create("telegram", external, locale="en", now=clock.now())
    return account.id


async def test_an_application_is_sealed_and_moves_through_the_stages(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    candidate_account = await _account(database, clock, "9001")
    manager = await _account(database, clock, "9002")
    async with database.unit_of_work() as uow:
        hiring = HiringRepository.of(uow)
        position = await hiring.add_position(
            code="abcd2345",
            role="counselor",
            title="Counselor",
            headcount=2,
            requirements="Warmth",
            by=manager,
            now=clock.now(),
        )
        candidate = await hiring.add_candidate(position.id, candidate_account, APPLICATION, now=clock.now())
        assert await hiring.has_applied(position.id, candidate_account)
        clock.advance(timedelta(minutes=1))
        await hiring.add_event(
            candidate, EventKind.NOTE, stage=Stage.APPLIED, note=NOTE, actor_id=manager, now=clock.now()
        )

    raw = await raw_contents()
    for secret in (APPLICATION.name, APPLICATION.phone, APPLICATION.experience, APPLICATION.motivation, NOTE):
        assert secret.encode() not in raw, secret
    assert b"Counselor" in raw  # the position itself is no one's personal data

    async with database.unit_of_work() as uow:
        hiring = HiringRepository.of(uow)
        assert await hiring.move(candidate.id, source=Stage.APPLIED, target=Stage.INTERVIEW, now=clock.now())
        assert not await hiring.move(candidate.id, source=Stage.APPLIED, target=Stage.DECLINED, now=clock.now())
        opened = await hiring.candidate(candidate.id)
        counts = await hiring.stage_counts([position.id])
        listed = await hiring.candidates(position.id, Stage.INTERVIEW)
        timeline = await hiring.timeline(candidate)
        assert await hiring.position_by_code("abcd2345") == position
    assert opened is not None and opened.stage == "interview" and opened.name == APPLICATION.name
    assert counts == {position.id: {Stage.INTERVIEW: 1}}
    assert [c.id for c in listed] == [candidate.id]
    assert [(e.kind, e.note) for e in timeline] == [("applied", None), ("note", NOTE)]


async def test_two_managers_pressing_at_once_move_a_candidate_once(database: Database, clock: FakeClock) -> None:
    candidate_account = await _account(database, clock, "9101")
    async with database.unit_of_work() as uow:
        hiring = HiringRepository.of(uow)
        position = await hiring.add_position(
            code="race2345",
            role="customer_service",
            title="CS",
            headcount=1,
            requirements="-",
            by=None,
            now=clock.now(),
        )
        candidate = await hiring.add_candidate(position.id, candidate_account, APPLICATION, now=clock.now())

    async def press(target: Stage) -> bool:
        async with database.unit_of_work() as uow:
            return await HiringRepository.of(uow).move(
                candidate.id, source=Stage.APPLIED, target=target, now=clock.now()
            )

    results = await asyncio.gather(press(Stage.INTERVIEW), press(Stage.DECLINED))
    assert sorted(results) == [False, True]


async def test_a_deleted_account_takes_its_application_along(database: Database, clock: FakeClock) -> None:
    candidate_account = await _account(database, clock, "9201")
    async with database.unit_of_work() as uow:
        hiring = HiringRepository.of(uow)
        position = await hiring.add_position(
            code="gone2345",
            role="counselor",
            title="Counselor",
            headcount=1,
            requirements="-",
            by=None,
            now=clock.now(),
        )
        candidate = await hiring.add_candidate(position.id, candidate_account, APPLICATION, now=clock.now())
        exported = await hiring.export(candidate_account)
    assert exported["job_applications"][0]["phone"] == APPLICATION.phone
    assert [line["kind"] for line in exported["job_applications"][0]["timeline"]] == ["applied"]
    async with database.unit_of_work() as uow:
        await shred_account(uow, candidate_account, clock.now())
    async with database.unit_of_work() as uow:
        hiring = HiringRepository.of(uow)
        assert await hiring.candidate(candidate.id) is None
        assert await hiring.stage_counts([position.id]) == {position.id: {}}
        assert await hiring.position(position.id) is not None
