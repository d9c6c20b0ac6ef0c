"""What the matcher reads and what it answers: a profile with its partner preferences, and a suggestion.

Plain frozen dataclasses, independent of storage: `storage/matching_source.py` maps the storage records onto
them. Codes are those of the intake (`domain.intake`); a code the matcher does not know (a hobby typed in own
words, a retired personality code) is ignored, never an error.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Generic, TypeAlias, TypeVar

from domain.intake import (
    CRITERIA,
    EDUCATION_LEVELS,
    GENDERS,
    HOBBIES,
    MARITAL_HISTORIES,
    PERSONALITY,
    WANTS_CHILDREN,
)
from domain.regions import region_book

K = TypeVar("K", bound=Hashable)

__all__ = [
    "CRITERIA",
    "EDUCATION_LEVELS",
    "GENDERS",
    "HOBBIES",
    "MARITAL_HISTORIES",
    "PERSONALITY",
    "WANTS_CHILDREN",
    "Criterion",
    "MatchPreferences",
    "MatchProfile",
    "Reason",
    "ReasonParam",
    "Suggestion",
    "coarse_age",
    "province_of",
]


class Criterion(StrEnum):
    """A partner criterion a client can mark as a must-have (the intake's `CRITERIA`)."""

    AGE = "age"
    HEIGHT = "height"
    EDUCATION = "education"
    REGIONS = "regions"
    MARITAL = "marital"
    CHILDREN = "children"


assert tuple(Criterion) == CRITERIA, "Criterion must list the intake's CRITERIA in their order"


@dataclass(frozen=True)
class MatchPreferences:
    """What a client looks for (择偶要求). Gender sought is always binding; the other criteria bind only when
    they are stated and listed in `must_have`, and otherwise count as nice-to-haves.

    `regions` holds province codes (a city code counts as its province); `children` is the wish for children
    the partner should have ("yes", "no"; "maybe" is accepted too).
    """

    gender_sought: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    height_min: int | None = None
    height_max: int | None = None
    min_education: str | None = None
    regions: frozenset[str] = frozenset()
    marital: frozenset[str] = frozenset()
    children: str | None = None
    must_have: frozenset[str] = frozenset()

    def states(self, criterion: Criterion) -> bool:
        """The client gave a preference for this criterion (one the matcher understands)."""
        match criterion:
            case Criterion.AGE:
                return self.age_min is not None or self.age_max is not None
            case Criterion.HEIGHT:
                return self.height_min is not None or self.height_max is not None
            case Criterion.EDUCATION:
                return self.min_education in EDUCATION_LEVELS
            case Criterion.REGIONS:
                return bool(self.regions)
            case Criterion.MARITAL:
                return any(code in MARITAL_HISTORIES for code in self.marital)
            case Criterion.CHILDREN:
                return self.children in WANTS_CHILDREN

    def requires(self, criterion: Criterion) -> bool:
        """A stated criterion marked must-have: a partner who does not meet it is never suggested."""
        return criterion in self.must_have and self.states(criterion)

    def wishes(self, criterion: Criterion) -> bool:
        """A stated criterion that is not a must-have: it only raises or lowers the score."""
        return self.states(criterion) and criterion not in self.must_have

    @property
    def stated(self) -> tuple[Criterion, ...]:
        return tuple(c for c in Criterion if self.states(c))


@dataclass(frozen=True)
class MatchProfile(Generic[K]):
    """The coarse, clear facts of one client that the matcher compares, and their preferences."""

    id: K
    gender: str | None = None
    birth_year: int | None = None
    height_cm: int | None = None
    education: str | None = None
    region_code: str | None = None
    marital_history: str | None = None
    has_children: bool | None = None
    wants_children: str | None = None
    personality: frozenset[str] = frozenset()
    hobbies: frozenset[str] = frozenset()
    last_active: date | None = None
    preferences: MatchPreferences = field(default_factory=MatchPreferences)

    def age(self, day: date) -> int | None:
        return coarse_age(self.birth_year, day)

    @property
    def province(self) -> str | None:
        return None if self.region_code is None else province_of(self.region_code)


def coarse_age(birth_year: int | None, day: date) -> int | None:
    """Age from the birth year alone (the birth date is sealed): the age reached in `day`'s year."""
    return None if birth_year is None else day.year - birth_year


def province_of(code: str) -> str:
    """The province of a GB/T 2260 region code; a code the region book does not know stands for itself."""
    return region_book().province_of(code) or code


ReasonParam: TypeAlias = str | int | list[str]


@dataclass(frozen=True)
class Reason:
    """Why a candidate was suggested, as a code with parameters a handler can localise.

    The codes are listed in `domain.matching.explain.ReasonCode`; `explain.describe` renders plain English.
    """

    code: str
    params: dict[str, ReasonParam] = field(default_factory=dict)


@dataclass(frozen=True)
class Suggestion(Generic[K]):
    """One candidate for an asker. From the index, `score` is the reciprocal score (harmonic mean of the two
    one-way scores), `score_for_asker` how well the candidate suits the asker, `score_for_candidate` the
    reverse; after `rerank.rerank`, `score` is the chance that both say yes and the other two each side's
    chance. All three lie in [0, 1]. `reasons`: at most three, strongest first."""

    candidate_id: K
    score: float
    score_for_asker: float
    score_for_candidate: float
    reasons: tuple[Reason, ...] = ()
