"""The head of the index's ranking scored again, one pair at a time, by the chance that both say yes.

The index ranks the whole pool by the stated reciprocal score and returns its best few dozen (must-haves both
ways, exclusions and the exposure cap applied); this module scores those again with what was learned
(`learning.chance`, each side with its fine stated fit, `fit.stated_score`) and keeps the best k:

    score = P(asker says yes to candidate) * P(candidate says yes to asker)

When the asker switched behaviour-based ranking off, no learned figure of anyone ranks their list: both
chances come from the stated fit alone. A candidate who switched it off answers by their stated fit too.
The reasons are those of the index when it gave them, else worked out here for the k chosen only; shared
hobbies in them are named the most informative first. Pure: no storage, no clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

from domain.matching.explain import reasons
from domain.matching.fit import HobbyRarity, hobby_strengths, stated_score
from domain.matching.learning import Figures, RankingChoices, Tally, chance, features, mutual
from domain.matching.model import K, MatchProfile, Reason, Suggestion

HEAD = 40  # candidates scored again per list: the index's best by the stated score
SHARED_HOBBIES = "shared_hobbies"
_NOBODY = Figures()
_DEFAULT = RankingChoices()


def head_size(k: int) -> int:
    """How many of the index's best to score again for a list of `k`."""
    return max(HEAD, 4 * k)


def _informative(
    given: Sequence[Reason], asker: MatchProfile[K], candidate: MatchProfile[K], rarity: HobbyRarity | None
) -> tuple[Reason, ...]:
    found: list[Reason] = []
    for reason in given:
        if reason.code == SHARED_HOBBIES:
            params = dict(reason.params)
            params["hobbies"] = hobby_strengths(asker.hobbies, candidate.hobbies, rarity)
            reason = dataclasses.replace(reason, params=params)
        found.append(reason)
    return tuple(found)


def rerank(
    asker: MatchProfile[K],
    head: Sequence[tuple[Suggestion[K], MatchProfile[K]]],
    *,
    k: int,
    day: date,
    figures: Mapping[K, Figures],
    choices: Mapping[K, RankingChoices],
    population: Tally,
    rarity: HobbyRarity | None = None,
) -> list[Suggestion[K]]:
    """The best `k` of `head` (the index's suggestions with the candidates' profiles), best first; equal
    scores keep the index's order."""
    mine = choices.get(asker.id, _DEFAULT)
    behaviour = mine.behaviour
    me = figures.get(asker.id, _NOBODY) if behaviour else _NOBODY
    scored: list[tuple[float, int, Suggestion[K]]] = []
    for position, (_given, candidate) in enumerate(head):
        theirs = choices.get(candidate.id, _DEFAULT)
        them = figures.get(candidate.id, _NOBODY) if behaviour else _NOBODY
        their_behaviour = behaviour and theirs.behaviour
        ab = chance(
            me,
            them,
            population,
            features(asker, candidate, day) if behaviour else (),
            stated=stated_score(asker, candidate, day, levels=mine.importance, rarity=rarity),
            behaviour=behaviour,
        )
        ba = chance(
            them,
            me,
            population,
            features(candidate, asker, day) if their_behaviour else (),
            stated=stated_score(candidate, asker, day, levels=theirs.importance, rarity=rarity),
            behaviour=their_behaviour,
        )
        both = mutual(ab.probability, ba.probability)
        scored.append((-both, position, Suggestion(candidate.id, both, ab.probability, ba.probability)))
    scored.sort(key=lambda item: (item[0], item[1]))
    chosen: list[Suggestion[K]] = []
    for _score, position, suggestion in scored[:k]:
        given, candidate = head[position]
        why = given.reasons or reasons(asker, candidate, day)  # the reasons of the chosen few only
        chosen.append(dataclasses.replace(suggestion, reasons=_informative(why, asker, candidate, rarity)))
    return chosen
