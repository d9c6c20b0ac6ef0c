"""Replay a log of answers in time order and score each pair with only what was known before it.

A *pair* is two people who both answered about each other (the first answer of each side counts; later ones,
an introduction accepted or a date's "meet again", are only learned from). It is scored at the moment of its
first answer, before that answer (or any later one) is taken in; its label is a mutual yes. The pair belongs to
the list of the one who answered first on that day, for precision@3 and top-1 hit. A pair only one side ever
answered has no label and is not scored (its answers are still learned from).

The methods scored side by side (`METHODS`):

| method | score of A and B |
| --- | --- |
| `learned reciprocal` | P(A yes B) * P(B yes A) (`learning.chance`, each with its stated fit) |
| `learned reciprocal, harmonic` | harmonic mean of the same two chances (for comparison) |
| `learned one-sided` | P(A yes B) alone (the asker's side) |
| `stated only` | today's reciprocal score (`scoring.reciprocal_score`): stated facts only |
| `random` | a fixed pseudo-random number per pair |
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

import numpy as np

from domain.matching.evaluation import ScoredLog
from domain.matching.exposure import mix, stable_key
from domain.matching.fit import HobbyRarity, stated_score
from domain.matching.learning import Answer, Learner, features, mutual
from domain.matching.model import MatchProfile
from domain.matching.scoring import harmonic_mean, reciprocal_score

H = TypeVar("H", bound=Hashable)

RECIPROCAL = "learned reciprocal"
HARMONIC = "learned reciprocal, harmonic"
ONE_SIDED = "learned one-sided"
STATED = "stated only"
RANDOM = "random"
METHODS = (RECIPROCAL, HARMONIC, ONE_SIDED, STATED, RANDOM)


@dataclass(frozen=True)
class Pair(Generic[H]):
    asker: H
    candidate: H
    moment: datetime
    mutual: bool


def pairs_of(answers: Sequence[Answer[H]]) -> list[Pair[H]]:
    """The pairs both sides answered, each at the moment of its first answer (see the module's notes)."""
    first: dict[tuple[H, H], Answer[H]] = {}
    for answer in sorted(answers, key=lambda a: a.at):
        first.setdefault((answer.decider, answer.other), answer)
    found: list[Pair[H]] = []
    for (decider, other), answer in first.items():
        theirs = first.get((other, decider))
        if theirs is None or (theirs.at, str(other)) < (answer.at, str(decider)):
            continue  # unanswered by the other side, or counted from the side that answered first
        found.append(Pair(decider, other, answer.at, answer.yes and theirs.yes))
    return sorted(found, key=lambda p: (p.moment, str(p.asker), str(p.candidate)))


def replay(
    answers: Sequence[Answer[H]],
    profiles: Mapping[H, MatchProfile[H]],
    *,
    seed: int = 1,
) -> ScoredLog:
    """Score every pair of the log by every method, each with only the answers given before its moment."""
    ordered = sorted(answers, key=lambda a: a.at)
    pairs = pairs_of(ordered)
    rarity = HobbyRarity()
    for profile in profiles.values():
        rarity.add(profile.hobbies)
    learner: Learner[H] = Learner()
    scores: dict[str, list[float]] = {method: [] for method in METHODS}
    labels: list[bool] = []
    askers: dict[H, int] = {}
    lists: dict[tuple[H, date], int] = {}
    asker_numbers: list[int] = []
    list_numbers: list[int] = []
    cursor = 0

    def seen(decider: H, other: H, day: date) -> tuple[str, ...]:
        a, b = profiles.get(decider), profiles.get(other)
        return () if a is None or b is None else features(a, b, day)

    for pair in pairs:
        while cursor < len(ordered) and ordered[cursor].at < pair.moment:
            answer = ordered[cursor]
            learner.observe(answer, seen(answer.decider, answer.other, answer.at.date()))
            cursor += 1
        asker, candidate = pair.asker, pair.candidate
        day = pair.moment.date()
        mine, theirs = profiles.get(asker), profiles.get(candidate)
        stated_ab = stated_ba = None
        old = 0.0
        if mine is not None and theirs is not None:
            stated_ab = stated_score(mine, theirs, day, rarity=rarity)
            stated_ba = stated_score(theirs, mine, day, rarity=rarity)
            old = reciprocal_score(mine, theirs, day)[0]
        ab = learner.chance(asker, candidate, seen(asker, candidate, day), at=pair.moment, stated=stated_ab)
        ba = learner.chance(candidate, asker, seen(candidate, asker, day), at=pair.moment, stated=stated_ba)
        scores[RECIPROCAL].append(mutual(ab.probability, ba.probability))
        scores[HARMONIC].append(harmonic_mean(ab.probability, ba.probability))
        scores[ONE_SIDED].append(ab.probability)
        scores[STATED].append(old)
        key = mix(stable_key(f"{asker}|{candidate}") ^ seed)
        scores[RANDOM].append(key / 2.0**64)
        labels.append(pair.mutual)
        asker_numbers.append(askers.setdefault(asker, len(askers)))
        list_numbers.append(lists.setdefault((asker, day), len(lists)))
    return ScoredLog(
        scores={method: np.asarray(values, dtype=np.float64) for method, values in scores.items()},
        labels=np.asarray(labels, dtype=np.bool_),
        askers=np.asarray(asker_numbers, dtype=np.intp),
        lists=np.asarray(list_numbers, dtype=np.intp),
    )
