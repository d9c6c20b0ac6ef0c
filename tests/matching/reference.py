"""A slow, obviously correct matcher: every pair through the pure-Python rules, then a full sort.

The index must return what this returns (the property tests compare them on small random pools).
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from datetime import date

from domain.matching.exposure import stable_key, tiebreak
from domain.matching.filters import mutually_acceptable
from domain.matching.model import MatchProfile
from domain.matching.scoring import reciprocal_score


def reference_ranking(
    asker: MatchProfile[int],
    pool: Iterable[MatchProfile[int]],
    *,
    day: date,
    excluded: Set[int] = frozenset(),
    inactive: Set[int] = frozenset(),
) -> list[tuple[int, float, float, float]]:
    """(id, reciprocal, for asker, for candidate) of everyone who may be suggested, best first."""
    found = []
    for candidate in pool:
        if candidate.id in excluded or candidate.id in inactive or candidate.id == asker.id:
            continue
        if not mutually_acceptable(asker, candidate, day=day):
            continue
        found.append((candidate.id, *reciprocal_score(asker, candidate, day)))
    found.sort(key=lambda row: (-row[1], tiebreak(day, stable_key(row[0]))))
    return found

