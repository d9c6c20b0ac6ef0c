"""The one way a test gives a staff member their training: a pass of every module of the current catalog, as
if they had taken each quiz (docs/training.md). Client data opens to them then."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from domain.clock import Clock, FakeClock
from domain.personnel.training import current_catalog
from storage.repositories.training import TrainingRepository
from storage.unit_of_work import UnitOfWork
from tests.botclient import BotClient


async def pass_training(uow: UnitOfWork, account_id: UUID, clock: Clock) -> None:
    attempts = TrainingRepository.of(uow)
    for module in current_catalog().modules:
        await attempts.record_pass(
            account_id, module.code, module.version, now=clock.now(), correct=len(module.questions)
        )


async def take_training(user: BotClient) -> list[str]:
    """The member opens /training and passes every module's quiz through the bot (in English), answering
    each question right, a second apart (the flood guard); returns what the bot said after each quiz."""
    clock = user.session.clock
    assert isinstance(clock, FakeClock)

    async def click(text: str) -> None:
        clock.advance(timedelta(seconds=1))
        await user.click(text)

    results = []
    clock.advance(timedelta(seconds=1))
    await user.send("/training")
    for module in current_catalog().modules:
        await click(module.title.en)
        await click("Take the quiz")
        for question in module.questions:
            await click(question.answers[question.correct].en)
        results.append(user.last_text())
        await click("« My training")
    return results
