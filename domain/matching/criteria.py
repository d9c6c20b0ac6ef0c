"""How well a person meets one criterion of someone's preferences, as a grade in [0, 1].

One definition serves both uses: a must-have is met when the grade is 1; a nice-to-have adds its grade,
weighted, to the score. Grades are forgiving near the edge so a nice-to-have ranks "nearly" above "far off":

| criterion | grade 1 | partial | 0 |
| --- | --- | --- | --- |
| age | coarse age within [min, max] | falls linearly over `AGE_SLACK_YEARS` outside | unknown age |
| height | within [min, max] | falls linearly over `HEIGHT_SLACK_CM` outside | unknown height |
| education | at least the minimum level | one level below: `NEAR_GRADE` | unknown |
| regions | lives in one of the provinces | | elsewhere, unknown |
| marital | history is one of those listed | | other, unknown |
| children | same wish for children | "maybe" against "yes"/"no": `NEAR_GRADE` | opposite wish, unknown |

An open bound (only a minimum or only a maximum) is open on that side.
"""

from __future__ import annotations

from datetime import date

from domain.matching.model import (
    EDUCATION_LEVELS,
    MARITAL_HISTORIES,
    WANTS_CHILDREN,
    Criterion,
    K,
    MatchPreferences,
    MatchProfile,
    province_of,
)

AGE_SLACK_YEARS = 5
HEIGHT_SLACK_CM = 10
NEAR_GRADE = 0.5
MAYBE = "maybe"


def range_grade(value: int | None, low: int | None, high: int | None, slack: float) -> float:
    if value is None:
        return 0.0
    distance = max(0 if low is None else low - value, 0 if high is None else value - high, 0)
    return max(0.0, 1.0 - distance / slack)


def education_grade(level: str | None, minimum: str | None) -> float:
    if level not in EDUCATION_LEVELS or minimum not in EDUCATION_LEVELS:
        return 0.0
    gap = EDUCATION_LEVELS.index(minimum) - EDUCATION_LEVELS.index(level)
    return 1.0 if gap <= 0 else NEAR_GRADE if gap == 1 else 0.0


def children_grade(wish: str | None, wanted: str | None) -> float:
    if wish not in WANTS_CHILDREN or wanted not in WANTS_CHILDREN:
        return 0.0
    if wish == wanted:
        return 1.0
    return NEAR_GRADE if MAYBE in (wish, wanted) else 0.0


def grade(criterion: Criterion, wishes: MatchPreferences, person: MatchProfile[K], day: date) -> float:
    """How well `person` meets `criterion` of `wishes` (which must state it)."""
    match criterion:
        case Criterion.AGE:
            return range_grade(person.age(day), wishes.age_min, wishes.age_max, AGE_SLACK_YEARS)
        case Criterion.HEIGHT:
            return range_grade(person.height_cm, wishes.height_min, wishes.height_max, HEIGHT_SLACK_CM)
        case Criterion.EDUCATION:
            return education_grade(person.education, wishes.min_education)
        case Criterion.REGIONS:
            province = person.province
            return float(province is not None and province in {province_of(code) for code in wishes.regions})
        case Criterion.MARITAL:
            history = person.marital_history
            return float(history in MARITAL_HISTORIES and history in wishes.marital)
        case Criterion.CHILDREN:
            return children_grade(person.wants_children, wishes.children)
