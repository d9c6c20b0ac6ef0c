"""The stated fit of a candidate for an asker, graded finely: what the learned ranking starts from.

The index (`scoring.py`, `vectorised.py`) ranks the whole pool with coarse grades: inside a wanted range is a
flat 1, an unknown fact grades 0, every nice-to-have weighs what its criterion weighs. That is a good first
cut over a million rows, and the head of that ranking is then scored again here, one pair at a time:

- **Graded inside the range.** A wanted age or height range has a middle the client had in mind: the grade
  is 1 there and falls linearly to `EDGE_GRADE` at the edges, then on to 0 over the usual slack outside (a
  range with one open bound is graded from its closed bound over `OPEN_SPAN`).
- **Unknown is neutral.** A fact the candidate did not give grades `UNKNOWN_GRADE` (0.5) for a nice-to-have,
  not 0. (A must-have is still never met by an unknown fact: `filters.py`.)
- **Importance per criterion.** `Importance`: must (a filter, not scored), important (twice the weight),
  nice (the weight), does not matter (left out).
- **Informative hobbies.** A shared hobby counts by how much it says: a hobby most people tick says little
  (inverse document frequency over the pool, `HobbyRarity`), and a person who ticks many says little with each
  (a cosine of the two weighted hobby sets: each tick lengthens the ticker's vector).

    stated_score(A -> B) = W_PREFERENCES * fit + W_HOBBIES * hobbies + W_PERSONALITY * personality + W_RECENCY * recency

with the weights of `scoring.py` (hobbies as a weighted cosine here, a Jaccard similarity there).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

from domain.matching.criteria import AGE_SLACK_YEARS, HEIGHT_SLACK_CM, grade
from domain.matching.model import HOBBIES, Criterion, K, MatchPreferences, MatchProfile
from domain.matching.personality import compatibility
from domain.matching.scoring import (
    CRITERION_WEIGHTS,
    W_HOBBIES,
    W_PERSONALITY,
    W_PREFERENCES,
    W_RECENCY,
    known_hobbies,
    recency,
)

_KNOWN = frozenset(HOBBIES)
EDGE_GRADE = 0.7  # the grade at the edge of a wanted range (1 in its middle)
UNKNOWN_GRADE = 0.5  # a fact the candidate did not give: neither for nor against
OPEN_SPAN = {Criterion.AGE: 10.0, Criterion.HEIGHT: 20.0}  # how far past a lone bound the grade reaches 1
SLACK = {Criterion.AGE: float(AGE_SLACK_YEARS), Criterion.HEIGHT: float(HEIGHT_SLACK_CM)}


class Importance(StrEnum):
    """How much a criterion matters to a client (for each preference they stated)."""

    MUST = "must"
    IMPORTANT = "important"
    NICE = "nice"
    IGNORE = "ignore"  # does not matter


IMPORTANCE_FACTOR = {Importance.IMPORTANT: 2.0, Importance.NICE: 1.0, Importance.IGNORE: 0.0}


def importance_of(preferences: MatchPreferences, levels: Mapping[str, str], criterion: Criterion) -> Importance:
    """The importance of a stated criterion: a must-have is MUST; otherwise the client's level (default nice)."""
    if preferences.requires(criterion):
        return Importance.MUST
    level = levels.get(criterion.value)
    if level in (Importance.IMPORTANT, Importance.IGNORE):
        return Importance(level)
    return Importance.NICE


def ignoring(wishes: MatchPreferences, levels: Mapping[str, str]) -> MatchPreferences:
    """`wishes` without the criteria the client said do not matter (a must-have stays: it is the filter), so
    the index's first cut does not favour them either."""
    dropped = {
        criterion
        for criterion in Criterion
        if levels.get(criterion.value) == Importance.IGNORE and wishes.wishes(criterion)
    }
    if not dropped:
        return wishes
    cleared: dict[str, object] = {}
    for criterion in dropped:
        match criterion:
            case Criterion.AGE:
                cleared |= {"age_min": None, "age_max": None}
            case Criterion.HEIGHT:
                cleared |= {"height_min": None, "height_max": None}
            case Criterion.EDUCATION:
                cleared["min_education"] = None
            case Criterion.REGIONS:
                cleared["regions"] = frozenset()
            case Criterion.MARITAL:
                cleared["marital"] = frozenset()
            case Criterion.CHILDREN:
                cleared["children"] = None
    return dataclasses.replace(wishes, **cleared)  # type: ignore[arg-type]


def _ranged(value: int | None, low: int | None, high: int | None, criterion: Criterion) -> float:
    """A value against a wanted range: 1 in the middle, EDGE_GRADE at the edges, 0 past the slack."""
    if value is None:
        return UNKNOWN_GRADE
    if low is None and high is None:
        return 1.0
    slack = SLACK[criterion]
    if low is not None and value < low:
        return EDGE_GRADE * max(0.0, 1.0 - (low - value) / slack)
    if high is not None and value > high:
        return EDGE_GRADE * max(0.0, 1.0 - (value - high) / slack)
    if low is not None and high is not None:
        half = (high - low) / 2
        if half <= 0:
            return 1.0
        return 1.0 - (1.0 - EDGE_GRADE) * abs(value - (low + high) / 2) / half
    # One open bound: the grade rises from the edge over OPEN_SPAN (a minimum height of 170: 175 beats 170).
    distance = (value - low) if low is not None else (high - value if high is not None else 0)
    return min(1.0, EDGE_GRADE + (1.0 - EDGE_GRADE) * distance / OPEN_SPAN[criterion])


def _known(criterion: Criterion, person: MatchProfile[K]) -> bool:
    match criterion:
        case Criterion.AGE:
            return person.birth_year is not None
        case Criterion.HEIGHT:
            return person.height_cm is not None
        case Criterion.EDUCATION:
            return person.education is not None
        case Criterion.REGIONS:
            return person.region_code is not None
        case Criterion.MARITAL:
            return person.marital_history is not None
        case Criterion.CHILDREN:
            return person.wants_children is not None


def graded(criterion: Criterion, wishes: MatchPreferences, person: MatchProfile[K], day: date) -> float:
    """The fine grade of `person` on a stated criterion of `wishes`, in [0, 1]."""
    if not _known(criterion, person):
        return UNKNOWN_GRADE
    match criterion:
        case Criterion.AGE:
            return _ranged(person.age(day), wishes.age_min, wishes.age_max, criterion)
        case Criterion.HEIGHT:
            return _ranged(person.height_cm, wishes.height_min, wishes.height_max, criterion)
        case _:
            return grade(criterion, wishes, person, day)


@lru_cache(maxsize=4096)
def _weights(wishes: MatchPreferences, levels: tuple[tuple[str, str], ...]) -> tuple[tuple[Criterion, float], ...]:
    """The weighed criteria of `wishes` (stated, not must-haves, mattering) with their weights."""
    chosen = dict(levels)
    found = []
    for criterion in wishes.stated:
        importance = importance_of(wishes, chosen, criterion)
        if importance is not Importance.MUST and IMPORTANCE_FACTOR[importance] > 0:
            found.append((criterion, CRITERION_WEIGHTS[criterion] * IMPORTANCE_FACTOR[importance]))
    return tuple(found)


def graded_fit(
    wishes: MatchPreferences, person: MatchProfile[K], day: date, levels: Mapping[str, str] | None = None
) -> float:
    """The weighted mean fine grade over the stated criteria that are not must-haves, each weighted by its
    criterion's weight times its importance; 1 when nothing is left to weigh."""
    weights = _weights(wishes, tuple(sorted(levels.items())) if levels else ())
    if not weights:
        return 1.0
    total = weighted = 0.0
    for criterion, weight in weights:
        total += weight
        weighted += weight * graded(criterion, wishes, person, day)
    return weighted / total


@dataclass
class HobbyRarity:
    """How many people of the pool ticked each hobby, kept current as profiles come and go (one count per
    hobby). `weight(code)` is the hobby's inverse document frequency: log((n + 1) / (ticked + 1)) + 1."""

    people: int = 0
    ticked: dict[str, int] = field(default_factory=dict)
    _weights: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False)

    def add(self, hobbies: Iterable[str]) -> None:
        self.people += 1
        for code in set(hobbies):
            self.ticked[code] = self.ticked.get(code, 0) + 1
        self._weights.clear()

    def remove(self, hobbies: Iterable[str]) -> None:
        self.people = max(0, self.people - 1)
        for code in set(hobbies):
            self.ticked[code] = max(0, self.ticked.get(code, 0) - 1)
        self._weights.clear()

    def weight(self, code: str) -> float:
        found = self._weights.get(code)
        if found is None:
            found = self._weights[code] = math.log((self.people + 1) / (self.ticked.get(code, 0) + 1)) + 1.0
        return found


def informative_overlap(first: Iterable[str], second: Iterable[str], rarity: HobbyRarity | None = None) -> float:
    """Shared hobbies weighted by how much each says, in [0, 1]: a cosine of the two hobby sets with each hobby
    weighted by its rarity, so a rare shared hobby counts more than a common one, and ticking everything
    dilutes each tick (the vector's length grows with every hobby ticked)."""
    a, b = _KNOWN.intersection(first), _KNOWN.intersection(second)
    if not a or not b:
        return 0.0
    if rarity is None:
        return len(a & b) / math.sqrt(len(a) * len(b))
    w = rarity.weight
    shared = sum(w(code) ** 2 for code in a & b)
    if not shared:
        return 0.0
    return shared / math.sqrt(sum(w(code) ** 2 for code in a) * sum(w(code) ** 2 for code in b))


def hobby_strengths(first: Iterable[str], second: Iterable[str], rarity: HobbyRarity | None = None) -> list[str]:
    """The shared hobbies, the most informative first (intake order among equals)."""
    shared = [code for code in known_hobbies(first) if code in set(second)]
    if rarity is None:
        return shared
    return sorted(shared, key=lambda code: -rarity.weight(code))


def stated_score(
    asker: MatchProfile[K],
    candidate: MatchProfile[K],
    day: date,
    *,
    levels: Mapping[str, str] | None = None,
    rarity: HobbyRarity | None = None,
) -> float:
    """How well `candidate` suits `asker` by what `asker` stated, in [0, 1] (graded, importance-weighted,
    informative hobbies)."""
    return (
        W_PREFERENCES * graded_fit(asker.preferences, candidate, day, levels)
        + W_HOBBIES * informative_overlap(asker.hobbies, candidate.hobbies, rarity)
        + W_PERSONALITY * compatibility(asker.personality, candidate.personality)
        + W_RECENCY * recency(candidate.last_active, day)
    )
