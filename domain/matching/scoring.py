"""The scores, one pair at a time (the index computes the same numbers for whole columns at once).

One-way score of a candidate B for an asker A, in [0, 1]:

    score(A -> B) = W_PREFERENCES * fit(B to A's nice-to-haves)
                  + W_HOBBIES * Jaccard(A's hobbies, B's hobbies)
                  + W_PERSONALITY * compatibility(A's personality, B's personality)
                  + W_RECENCY * recency(B's last activity)

`fit` is the weighted mean of the grades (`domain.matching.criteria`) over A's stated criteria that are not
must-haves (the must-haves are met by everyone who survives the filters); with no nice-to-have it is 1.
The reciprocal score is the harmonic mean of score(A -> B) and score(B -> A), as in RECON (Pizzato et al.,
2010) and Xia et al. (2015): it is high only when the match is good for both, and a poor score on one side
pulls it down more than an arithmetic mean would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from domain.matching.criteria import grade
from domain.matching.model import HOBBIES, Criterion, K, MatchPreferences, MatchProfile
from domain.matching.personality import compatibility

W_PREFERENCES = 0.45
W_HOBBIES = 0.25
W_PERSONALITY = 0.20
W_RECENCY = 0.10

# How much each nice-to-have counts in `fit` (relative weights). Regions weigh most: distance is the hardest
# thing for a couple to bridge (one of them moves, away from family and work), and a region is all or nothing,
# while age and height grade softly just outside the range. At 2.5, a preferred region outweighs any one
# advantage of a candidate elsewhere (a hobby more in common, a better personality fit, a week's more
# recent activity) even when all six criteria are stated, but not two of them together: a weight, not a
# filter (a must-have is the filter). docs/matching.md "Choosing the weights" has the figures.
CRITERION_WEIGHTS: dict[Criterion, float] = {
    Criterion.AGE: 1.0,
    Criterion.HEIGHT: 0.6,
    Criterion.EDUCATION: 0.8,
    Criterion.REGIONS: 2.5,
    Criterion.MARITAL: 0.6,
    Criterion.CHILDREN: 0.8,
}

RECENCY_HALF_LIFE_DAYS = 14.0
RECENCY_HORIZON_DAYS = 365  # older activity (or none known) counts as none


def preference_fit(wishes: MatchPreferences, person: MatchProfile[K], day: date) -> float:
    """Weighted mean grade of `person` over the nice-to-haves of `wishes`; 1 when there are none."""
    nice = [c for c in Criterion if wishes.wishes(c)]
    total = sum(CRITERION_WEIGHTS[c] for c in nice)
    if not nice:
        return 1.0
    return sum(CRITERION_WEIGHTS[c] * grade(c, wishes, person, day) for c in nice) / total


def known_hobbies(codes: Iterable[str]) -> list[str]:
    present = set(codes)
    return [code for code in HOBBIES if code in present]


def shared_hobbies(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Hobby codes both picked, in the intake's order."""
    return [code for code in known_hobbies(first) if code in set(second)]


def hobby_overlap(first: Iterable[str], second: Iterable[str]) -> float:
    """Jaccard similarity of the known hobby codes; 0 when neither has any."""
    a, b = set(known_hobbies(first)), set(known_hobbies(second))
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def recency(last_active: date | None, day: date) -> float:
    """1 for activity today, halving every `RECENCY_HALF_LIFE_DAYS`; 0 beyond the horizon or unknown."""
    if last_active is None:
        return 0.0
    days = max(0, (day - last_active).days)
    return 0.0 if days > RECENCY_HORIZON_DAYS else 0.5 ** (days / RECENCY_HALF_LIFE_DAYS)


def one_way_score(asker: MatchProfile[K], candidate: MatchProfile[K], day: date) -> float:
    """How well `candidate` suits `asker`, in [0, 1]."""
    return (
        W_PREFERENCES * preference_fit(asker.preferences, candidate, day)
        + W_HOBBIES * hobby_overlap(asker.hobbies, candidate.hobbies)
        + W_PERSONALITY * compatibility(asker.personality, candidate.personality)
        + W_RECENCY * recency(candidate.last_active, day)
    )


def harmonic_mean(first: float, second: float) -> float:
    total = first + second
    return 2.0 * first * second / total if total > 0 else 0.0


def reciprocal_score(
    asker: MatchProfile[K], candidate: MatchProfile[K], day: date
) -> tuple[float, float, float]:
    """(reciprocal, for the asker, for the candidate)."""
    for_asker = one_way_score(asker, candidate, day)
    for_candidate = one_way_score(candidate, asker, day)
    return harmonic_mean(for_asker, for_candidate), for_asker, for_candidate
