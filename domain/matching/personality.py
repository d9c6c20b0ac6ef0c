"""How well two sets of personality codes go together: a small symmetric table over the intake's codes.

The table is the agency's judgement, kept here so it can be read and argued about. Values lie in [0, 1]:
0.5 is neutral (most pairs), above it the traits tend to get along (similar temperaments, or complements
such as cheerful with quiet), below it they tend to pull apart (outgoing with quiet, ambitious with
family-minded). A trait paired with itself is 0.8 unless listed. Two people's compatibility is the mean of the
table over every pair of their codes (one code of each), so it is symmetric too; when either of them gave no
known code it is neutral.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.matching.model import PERSONALITY

NEUTRAL = 0.5
SAME_TRAIT = 0.8

PAIRS: dict[tuple[str, str], float] = {
    ("cheerful", "optimistic"): 0.9,
    ("cheerful", "humorous"): 0.85,
    ("cheerful", "outgoing"): 0.8,
    ("cheerful", "quiet"): 0.6,
    ("gentle", "considerate"): 0.9,
    ("gentle", "steady"): 0.8,
    ("gentle", "romantic"): 0.8,
    ("gentle", "family_minded"): 0.8,
    ("steady", "family_minded"): 0.9,
    ("steady", "considerate"): 0.8,
    ("steady", "quiet"): 0.75,
    ("steady", "ambitious"): 0.6,
    ("steady", "outgoing"): 0.45,
    ("humorous", "outgoing"): 0.8,
    ("humorous", "quiet"): 0.65,
    ("considerate", "family_minded"): 0.85,
    ("considerate", "romantic"): 0.8,
    ("independent", "independent"): 0.7,
    ("independent", "ambitious"): 0.8,
    ("independent", "family_minded"): 0.4,
    ("outgoing", "outgoing"): 0.75,
    ("outgoing", "quiet"): 0.35,
    ("quiet", "quiet"): 0.7,
    ("optimistic", "ambitious"): 0.75,
    ("ambitious", "ambitious"): 0.6,
    ("ambitious", "family_minded"): 0.45,
    ("romantic", "romantic"): 0.85,
    ("romantic", "family_minded"): 0.75,
}


def _table() -> tuple[tuple[float, ...], ...]:
    position = {code: i for i, code in enumerate(PERSONALITY)}
    rows = [[NEUTRAL] * len(PERSONALITY) for _ in PERSONALITY]
    for i in range(len(PERSONALITY)):
        rows[i][i] = SAME_TRAIT
    for (a, b), value in PAIRS.items():
        rows[position[a]][position[b]] = rows[position[b]][position[a]] = value
    return tuple(tuple(row) for row in rows)


# TABLE[i][j]: compatibility of PERSONALITY[i] with PERSONALITY[j]; symmetric.
TABLE = _table()
_POSITION = {code: i for i, code in enumerate(PERSONALITY)}


def known_codes(codes: Iterable[str]) -> list[str]:
    """The codes the table knows, in the intake's order."""
    present = set(codes)
    return [code for code in PERSONALITY if code in present]


def compatibility(first: Iterable[str], second: Iterable[str]) -> float:
    """Mean of the table over all pairs of known codes; neutral when either side has none."""
    a = [_POSITION[c] for c in known_codes(first)]
    b = [_POSITION[c] for c in known_codes(second)]
    if not a or not b:
        return NEUTRAL
    return sum(TABLE[i][j] for i in a for j in b) / (len(a) * len(b))


def traits_side_by_side(mine: Iterable[str], theirs: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """Two people's personality codes as (both have, only mine, only theirs), each in the order given, so that
    a reason can say whose traits are whose."""
    own, other = list(dict.fromkeys(mine)), list(dict.fromkeys(theirs))
    both = [code for code in own if code in other]
    return both, [code for code in own if code not in both], [code for code in other if code not in both]
