"""The learned ranking in the chat: the day's candidates re-ranked by each side's chance of saying yes, and
every answer taken in as it is given.

The index (`MatchIndex.suggest`) applies the must-haves both ways, the exclusions and the exposure cap to the
whole pool and returns its best `rerank.head_size(quota)` by the stated score; `rerank` scores those again,
one pair at a time (`domain.matching.rerank`), with the learned figures of the asker and of each candidate
(one query for all of them, one for the population) and the fine stated fit, and keeps the best. A query
therefore costs what it cost plus three small reads and a few milliseconds of arithmetic, whatever the pool's
size; nothing is recomputed for anyone else. A candidate at the exposure cap is never in the head, so learned
appeal cannot crowd the pool.

`learn` takes in one answer (the decider's yes-rate and taste, the other's appeal, the population's rate) in
the transaction that records it, so the next list already knows it and a list made earlier did not. The
"meet again" of date feedback is taken in by `learn_from_dates`, from the daily offer's first run each day
(feedback is written by the dates area; this reads what was completed since the last run).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime
from uuid import UUID

from domain.matching.fit import ignoring
from domain.matching.index import MatchIndex
from domain.matching.learning import Answer, AnswerKind, RankingChoices, features
from domain.matching.model import Suggestion
from domain.matching.rerank import head_size
from domain.matching.rerank import rerank as rank_head
from storage.matching_source import load_match_profile
from storage.unit_of_work import UnitOfWork


async def head(
    uow: UnitOfWork,
    index: MatchIndex[UUID],
    asker_id: UUID,
    *,
    k: int,
    excluded: Set[UUID],
    inactive: Set[UUID],
    exposure: Mapping[UUID, int],
    max_exposure: int,
    day: date,
) -> list[Suggestion[UUID]]:
    """The index's best `rerank.head_size(k)` for the asker (`MatchIndex.suggest`, without reasons), asked
    without the wishes the asker said do not matter (`fit.ignoring`)."""
    size = head_size(k)
    levels = (await uow.match_learning.choices(asker_id)).importance
    if asker_id in index and levels:
        asker = index.profile(asker_id)
        wishes = ignoring(asker.preferences, levels)
        if wishes != asker.preferences:
            return index.suggest_for(
                dataclasses.replace(asker, preferences=wishes),
                k=size,
                excluded=excluded,
                inactive=inactive,
                exposure=exposure,
                max_exposure=max_exposure,
                day=day,
                explain=False,
            )
    return index.suggest(
        asker_id,
        k=size,
        excluded=excluded,
        inactive=inactive,
        exposure=exposure,
        max_exposure=max_exposure,
        day=day,
        explain=False,
    )


async def rerank(
    uow: UnitOfWork,
    index: MatchIndex[UUID],
    asker_id: UUID,
    found: Sequence[Suggestion[UUID]],
    *,
    k: int,
    day: date,
) -> list[Suggestion[UUID]]:
    """The best `k` of the index's head `found` (`domain.matching.rerank`), with the figures and choices of
    the asker and the candidates read in one query each."""
    if not found or asker_id not in index:
        return list(found[:k])
    head = [(s, index.profile(s.candidate_id)) for s in found if s.candidate_id in index]
    people = [asker_id, *(s.candidate_id for s, _profile in head)]
    choices = await uow.match_learning.choices_many(people)
    behaviour = choices.get(asker_id, RankingChoices()).behaviour
    figures = await uow.match_learning.figures(people) if behaviour else {}
    population = await uow.match_learning.population()
    return rank_head(
        index.profile(asker_id),
        head,
        k=k,
        day=day,
        figures=figures,
        choices=choices,
        population=population,
        rarity=index.hobby_rarity(),
    )


async def learn(
    uow: UnitOfWork,
    decider_id: UUID,
    other_id: UUID,
    *,
    yes: bool,
    kind: AnswerKind,
    now: datetime,
    day: date,
) -> None:
    """Take in one answer: `decider_id` said yes (or no) to `other_id`."""
    decider = await load_match_profile(uow, decider_id)
    other = await load_match_profile(uow, other_id)
    seen = () if decider is None or other is None else features(decider, other, day)
    await uow.match_learning.record(Answer(decider_id, other_id, yes, now, kind), seen, now)


async def learn_from_dates(uow: UnitOfWork, now: datetime) -> int:
    """Take in the "meet again" answers of date feedback completed since the last run (the daily offer runs
    it); returns how many."""
    answers = await uow.match_learning.date_answers_to_learn(now)
    for answer in answers:
        kind = AnswerKind.DATE
        await learn(uow, answer.decider, answer.other, yes=answer.yes, kind=kind, now=answer.at, day=answer.at.date())
    if answers:
        await uow.match_learning.dates_learned(answers[-1].at)
    return len(answers)
