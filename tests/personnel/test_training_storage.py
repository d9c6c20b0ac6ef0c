"""Training attempts on SQLite and PostgreSQL: an answer counts once (a repeated or stale press changes
nothing), an attempt is finished once, and each member's record is the highest version passed of each module."""

from __future__ import annotations

from datetime import timedelta

from domain.clock import FakeClock
from domain.personnel.training import Passed
from storage.database import Database
from storage.repositories.training import TrainingRepository


async def test_an_attempt_takes_each_answer_once_and_finishes_once(database: Database, clock: FakeClock) -> None:
    async with database.unit_of_work() as uow:
        account = await uow.accounts.create("telegram", "2001", locale="en", now=clock.now())
        attempts = TrainingRepository.of(uow)
        attempt = await attempts.start(account.id, "privacy", 1, now=clock.now())
        first = await attempts.answer(attempt, 1)
        assert first is not None and first.answers == "1"
        assert await attempts.answer(attempt, 2) is None  # the same question again (an old message)
        second = await attempts.answer(first, 0)
        assert second is not None and second.answers == "10"
        assert await attempts.finish(attempt.id, correct=1, passed=False, now=clock.now())
        assert not await attempts.finish(attempt.id, correct=2, passed=True, now=clock.now())
        assert await attempts.answer(second, 1) is None  # finished
    async with database.unit_of_work(read_only=True) as uow:
        stored = await TrainingRepository.of(uow).get(attempt.id)
    assert stored is not None
    assert (stored.answers, stored.correct, stored.passed) == ("10", 1, False)


async def test_the_record_holds_the_highest_version_passed_and_the_first_pass(
    database: Database, clock: FakeClock
) -> None:
    first_day = clock.now()
    async with database.unit_of_work() as uow:
        anna = await uow.accounts.create("telegram", "2002", locale="en", now=clock.now())
        bo = await uow.accounts.create("telegram", "2003", locale="en", now=clock.now())
        attempts = TrainingRepository.of(uow)
        await attempts.record_pass(anna.id, "standard", 1, now=first_day, correct=4)
        failed = await attempts.start(anna.id, "privacy", 1, now=clock.now())
        await attempts.finish(failed.id, correct=1, passed=False, now=clock.now())
        later = clock.advance(timedelta(days=30))
        await attempts.record_pass(anna.id, "standard", 2, now=later, correct=3)
    async with database.unit_of_work(read_only=True) as uow:
        attempts = TrainingRepository.of(uow)
        records = await attempts.records()
        assert set(records) == {anna.id}
        assert dict(records[anna.id].passed) == {"standard": Passed(2, first_day)}  # failed quizzes count nothing
        assert (await attempts.record_of(bo.id)).passed == {}
        assert await attempts.records([]) == {}
