"""Training on the service standard (docs/training.md): a member's modules and where they stand, a quiz taken
one question at a time, and who is due for managers. Reached as `services.training`.

The catalog (modules, versions, questions) is the agency's data (`domain.personnel.training.current_catalog`);
the attempts are rows (`storage.repositories.training`), so a quiz survives a restart and a stale or forged
button changes nothing: an answer counts only for the presser's own unfinished attempt, for the question it is
on, and while the module's version is still the one the attempt started on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from domain.personnel.training import (
    EMPTY,
    Answered,
    Catalog,
    MemberStanding,
    Module,
    ModuleTeam,
    Overview,
    QuizStep,
    Record,
    Result,
    Standing,
    Status,
    cleared,
    correct_count,
    current_catalog,
    decode_answers,
    standing,
    standings,
    training_day,
)
from domain.staff import needs_training, parse_role
from handlers.services.feature import FeatureService
from storage.repositories.training import Attempt, TrainingRepository
from storage.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from handlers.services.staff_access import Actor

PASSED_ACTION = "staff.training_passed"


async def cleared_members(uow: UnitOfWork, account_ids: Iterable[UUID], *, now: datetime | None = None) -> set[UUID]:
    """The members among `account_ids` whose training opens client data to them at `now` (the storage
    clock's time when None), roles aside."""
    ids = list(account_ids)
    catalog = current_catalog()
    today = training_day(now or uow.context.clock.now())
    records = await TrainingRepository.of(uow).records(ids)
    empty = EMPTY
    return {account_id for account_id in ids if cleared(catalog, records.get(account_id, empty), today)}


async def is_cleared(uow: UnitOfWork, account_id: UUID, *, now: datetime | None = None) -> bool:
    return account_id in await cleared_members(uow, [account_id], now=now)


class Refused(StrEnum):
    UNKNOWN_MODULE = "unknown_module"  # not (or no longer) in the catalog
    NO_ACCOUNT = "no_account"  # an ADMIN_IDS owner without an account cannot keep a score
    NOT_YOURS = "not_yours"  # someone else's attempt, or none
    ANSWERED = "answered"  # this question was answered already (an old message)
    FINISHED = "finished"
    CHANGED = "changed"  # the module has a new version since the attempt began


@dataclass
class TrainingDesk(FeatureService):
    @property
    def catalog(self) -> Catalog:
        return current_catalog()

    @property
    def _attempts(self) -> TrainingRepository:
        return TrainingRepository.of(self.uow)

    async def _record(self, actor: Actor) -> Record:
        return EMPTY if actor.account_id is None else await self._attempts.record_of(actor.account_id)

    async def overview(self, actor: Actor) -> Overview:
        record = await self._record(actor)
        catalog = self.catalog
        today = training_day(self.now())
        exempt = not needs_training(actor.role)
        return Overview(standings(catalog, record, today), exempt, exempt or cleared(catalog, record, today))

    async def module(self, actor: Actor, code: str) -> Standing | None:
        module = self.catalog.get(code)
        if module is None:
            return None
        return standing(module, await self._record(actor), training_day(self.now()))

    async def start(self, actor: Actor, code: str) -> QuizStep | Refused:
        module = self.catalog.get(code)
        if module is None:
            return Refused.UNKNOWN_MODULE
        if actor.account_id is None:
            return Refused.NO_ACCOUNT
        attempt = await self._attempts.start(actor.account_id, module.code, module.version, now=self.now())
        return QuizStep(module, attempt.id, 0)

    async def answer(self, actor: Actor, attempt_id: UUID, index: int, choice: int) -> Answered | Refused:
        """Take the answer `choice` to question `index` of the attempt; at the last question, the score."""
        attempt = await self._attempts.get(attempt_id)
        if attempt is None or actor.account_id is None or attempt.account_id != actor.account_id:
            return Refused.NOT_YOURS
        if attempt.finished_at is not None:
            return Refused.FINISHED
        module = self.catalog.get(attempt.module)
        if module is None or module.version != attempt.version:
            return Refused.CHANGED
        if index != len(attempt.answers) or index >= len(module.questions):
            return Refused.ANSWERED
        question = module.questions[index]
        if not 0 <= choice < len(question.answers):
            return Refused.ANSWERED
        last = index + 1 == len(module.questions)
        was_cleared = last and await is_cleared(self.uow, actor.account_id, now=self.now())
        updated = await self._attempts.answer(attempt, choice)
        if updated is None:
            return Refused.ANSWERED
        step = QuizStep(module, updated.id, index + 1)
        result = None
        if step.question is None:
            result = await self._finish(actor, module, updated, was_cleared=was_cleared)
        return Answered(question, choice == question.correct, step, result)

    async def _finish(self, actor: Actor, module: Module, attempt: Attempt, *, was_cleared: bool) -> Result:
        assert actor.account_id is not None
        correct = correct_count(module, decode_answers(attempt.answers))
        passed = module.passes(correct)
        now = self.now()
        await self._attempts.finish(attempt.id, correct=correct, passed=passed, now=now)
        cleared_now = False
        if passed:
            await self.uow.audit.record(
                action=PASSED_ACTION,
                now=now,
                actor_account_id=actor.account_id,
                subject_account_id=actor.account_id,
                reason=f"{module.code} v{module.version}",
            )
            if needs_training(actor.role) and not was_cleared:
                cleared_now = await is_cleared(self.uow, actor.account_id, now=now)
        return Result(module, correct, passed, cleared_now)

    # --- for managers ----------------------------------------------------------------------------------------
    async def team(self) -> list[ModuleTeam]:
        """Per module, the active members who need training: how many passed, who is due, who is overdue."""
        members = [
            member
            for member in await self.uow.staff.list()
            if (role := parse_role(member.role)) is not None and needs_training(role)
        ]
        records = await self._attempts.records([member.account_id for member in members])
        today = training_day(self.now())
        empty = EMPTY
        teams = []
        for module in self.catalog.modules:
            passed, due, overdue = 0, [], []
            for member in members:
                found = standing(module, records.get(member.account_id, empty), today)
                if found.status is Status.PASSED:
                    passed += 1
                elif found.status is Status.DUE:
                    due.append(MemberStanding(member.display_name, found))
                else:
                    overdue.append(MemberStanding(member.display_name, found))
            teams.append(ModuleTeam(module, passed, sorted(due, key=_by_name), sorted(overdue, key=_by_name)))
        return teams


def _by_name(entry: MemberStanding) -> str:
    """Members listed by the name clients see, as a manager looks for them."""
    return (entry.name or "").casefold()
