"""Suggestions, introductions, reports and case stages in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.clock import FakeClock
from domain.matching.decisions import Decision, ReportReason, Source
from domain.pipeline import Stage
from storage.database import Database
from storage.privacy_ops import shred_account
from storage.unit_of_work import UnitOfWork
from tests.db_fixtures import RawContents

DAY = date(2026, 1, 5)
COMMENT = "Asked me to wire money to a Harrowgate account"
NOTE = "Meilin thinks you two would get on famously"


async def _client(uow: UnitOfWork, clock: FakeClock, number: int) -> UUID:
    account = await uow.accounts.create("telegram", str(8_000 + number), locale="en", now=clock.now())
    await uow.profiles.create(account.id, now=clock.now())
    await uow.profiles.update(account.id, now=clock.now(), status="active")
    return account.id


async def test_answers_exclusions_exposure_and_lists(database: Database, clock: FakeClock) -> None:
    now = clock.now()
    async with database.unit_of_work() as uow:
        ann, bob, cid, dan = [await _client(uow, clock, n) for n in range(4)]
        first = await uow.suggestions.add(ann, bob, source=Source.MATCHER, now=now, offered_on=DAY, position=0)
        await uow.suggestions.add(ann, cid, source=Source.MATCHER, now=now, offered_on=DAY, position=1)
        await uow.suggestions.add(dan, bob, source=Source.MATCHER, now=now, offered_on=DAY)
        picked = await uow.suggestions.add(cid, dan, source=Source.COUNSELOR, now=now, note=NOTE)

    async with database.unit_of_work() as uow:
        assert (await uow.suggestions.next_undecided(ann)) == first
        assert await uow.suggestions.decide(first.id, Decision.PASSED, now) is True
        assert await uow.suggestions.decide(first.id, Decision.INTERESTED, now) is False  # answered once
        assert await uow.suggestions.exposure_on(DAY) == {bob: 2, cid: 1}
        assert await uow.suggestions.excluded_for(ann) == {bob, cid}
        assert await uow.suggestions.excluded_for(bob) == {ann}  # Ann passed on Bob: never suggested to him
        (queued,) = await uow.suggestions.queued(cid)
        assert (queued.id, queued.note) == (picked.id, NOTE)
        # Ann and Dan have pending cards, Bob has nothing; Cid's pick waits for a list: Bob and Cid are due.
        assert await uow.suggestions.askers_due_a_list(DAY, limit=10) == sorted([bob, cid])
        await uow.suggestions.offer([picked.id], DAY, 0)
        assert await uow.suggestions.offered_on(cid, DAY) == 1
        assert await uow.suggestions.askers_due_a_list(DAY, limit=10) == [bob]
        assert await uow.suggestions.askers_due_a_list(DAY + timedelta(days=1), limit=10, after=bob) == []


async def test_introductions_connect_once_both_agree(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        ann, bob, cid = [await _client(uow, clock, n) for n in range(3)]
        introduction = await uow.introductions.create(bob, ann, now=clock.now())
        assert await uow.introductions.for_pair(ann, bob) == introduction
        assert introduction.other(ann) == bob and not introduction.shares(ann)
        once = await uow.introductions.agree_to_share(introduction, ann, clock.now())
        assert once.state == "awaiting" and once.shares(ann)
        both = await uow.introductions.agree_to_share(once, bob, clock.now())
        assert both.state == "connected" and both.connected_at == clock.now()
        other = await uow.introductions.create(ann, cid, now=clock.now())
        declined = await uow.introductions.decline(other, clock.now())
        assert declined.state == "declined"
        assert (await uow.introductions.agree_to_share(declined, cid, clock.now())).state == "declined"
        assert {i.id for i in await uow.introductions.list_for(ann)} == {introduction.id, other.id}


async def test_case_stages_only_move_forward(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        ann = await _client(uow, clock, 0)
        assert await uow.case_stages.advance(ann, Stage.RECOMMENDING, cause="suggestions", now=clock.now())
        clock.advance(timedelta(days=2))
        assert await uow.case_stages.advance(ann, Stage.INTRODUCED, cause="introduction", now=clock.now())
        assert not await uow.case_stages.advance(ann, Stage.RECOMMENDING, cause="suggestions", now=clock.now())
        assert await uow.case_stages.current(ann) is Stage.INTRODUCED
        assert [stage for stage, _cause, _at in await uow.case_stages.history(ann)] == [
            Stage.RECOMMENDING,
            Stage.INTRODUCED,
        ]


async def test_reports_are_sealed_kept_and_unreadable_after_the_reporter_leaves(
    database: Database, clock: FakeClock, raw_contents: RawContents
) -> None:
    async with database.unit_of_work() as uow:
        ann, bob = await _client(uow, clock, 0), await _client(uow, clock, 1)
        await uow.suggestions.add(ann, bob, source=Source.MATCHER, now=clock.now(), offered_on=DAY, note=NOTE)
        await uow.introductions.create(ann, bob, now=clock.now())
        await uow.case_stages.advance(ann, Stage.INTRODUCED, cause="introduction", now=clock.now())
        await uow.reports.add(ann, bob, ReportReason.SCAM, comment=COMMENT, now=clock.now())
    raw = await raw_contents()
    assert COMMENT.encode() not in raw and NOTE.encode() not in raw

    async with database.unit_of_work() as uow:
        await shred_account(uow, ann, clock.now())
    async with database.unit_of_work(read_only=True) as uow:
        (report,) = await uow.reports.list_about(bob)
        assert (report.reporter_id, report.reason, report.comment) == (ann, "scam", None)
        assert await uow.suggestions.list_for_asker(ann) == []
        assert await uow.introductions.list_for(bob) == []
        assert await uow.case_stages.history(ann) == []
