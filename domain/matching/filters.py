"""The hard filters, one pair at a time: who may be suggested to whom.

Both ways: a candidate is suggested to an asker only when the candidate meets every must-have of the asker
and the asker meets every must-have of the candidate. Gender sought always binds; the criteria of
`domain.intake.CRITERIA` bind when stated and marked must-have. A fact that is not known never meets a
must-have. These are the rules the vectorised index (`domain.matching.index`) applies to whole columns.
"""

from __future__ import annotations

from datetime import date

from domain.matching.criteria import grade
from domain.matching.model import GENDERS, Criterion, K, MatchPreferences, MatchProfile

GENDER = "gender"


def seeks(wishes: MatchPreferences, person: MatchProfile[K]) -> bool:
    """The person is of the gender sought (no gender sought: anyone)."""
    return wishes.gender_sought not in GENDERS or person.gender == wishes.gender_sought


def unmet_must_haves(wishes: MatchPreferences, person: MatchProfile[K], day: date) -> tuple[str, ...]:
    """The must-haves of `wishes` that `person` does not meet ("gender" first, then criteria in order)."""
    unmet = [] if seeks(wishes, person) else [GENDER]
    unmet += [c.value for c in Criterion if wishes.requires(c) and grade(c, wishes, person, day) < 1.0]
    return tuple(unmet)


def meets_must_haves(wishes: MatchPreferences, person: MatchProfile[K], day: date) -> bool:
    return not unmet_must_haves(wishes, person, day)


def would_accept(candidate: MatchProfile[K], asker: MatchProfile[K], *, day: date) -> bool:
    """The demo answer: a candidate says yes when the asker meets the candidate's must-haves."""
    return meets_must_haves(candidate.preferences, asker, day)


def mutually_acceptable(first: MatchProfile[K], second: MatchProfile[K], *, day: date) -> bool:
    """Each meets the other's must-haves, and they are two different people."""
    return (
        first.id != second.id
        and meets_must_haves(first.preferences, second, day)
        and meets_must_haves(second.preferences, first, day)
    )
