"""The fine stated fit: graded inside a range, unknown facts neutral, importance per criterion, hobbies weighted
by how informative they are."""

from __future__ import annotations

import pytest

from domain.matching.fit import (
    EDGE_GRADE,
    UNKNOWN_GRADE,
    HobbyRarity,
    Importance,
    graded,
    graded_fit,
    hobby_strengths,
    ignoring,
    importance_of,
    informative_overlap,
    stated_score,
)
from domain.matching.model import Criterion
from tests.matching.builders import DAY, SHANGHAI, XIAMEN, person, wishes, woman


def test_a_smaller_age_gap_ranks_above_the_edge_of_the_range() -> None:
    wanted = wishes(gender_sought="female", age_min=24, age_max=32)
    middle = woman(2, birth_year=DAY.year - 28)
    edge = woman(3, birth_year=DAY.year - 32)
    outside = woman(4, birth_year=DAY.year - 34)
    far = woman(5, birth_year=DAY.year - 40)
    grades = [graded(Criterion.AGE, wanted, p, DAY) for p in (middle, edge, outside, far)]
    assert grades[0] == 1.0
    assert grades[1] == pytest.approx(EDGE_GRADE)
    assert grades[0] > grades[1] > grades[2] > grades[3] == 0.0


def test_a_lone_bound_grades_upward_from_it() -> None:
    wanted = wishes(gender_sought="male", height_min=170)
    assert graded(Criterion.HEIGHT, wanted, person(2, height_cm=170), DAY) == pytest.approx(EDGE_GRADE)
    assert graded(Criterion.HEIGHT, wanted, person(3, height_cm=180), DAY) > EDGE_GRADE
    assert graded(Criterion.HEIGHT, wanted, person(4, height_cm=195), DAY) == 1.0


def test_an_unknown_fact_is_neutral_not_zero() -> None:
    wanted = wishes(gender_sought="female", age_min=24, age_max=32, regions=[SHANGHAI], min_education="master")
    unknown = woman(2, birth_year=None, region_code=None, education=None)
    for criterion in (Criterion.AGE, Criterion.REGIONS, Criterion.EDUCATION):
        assert graded(criterion, wanted, unknown, DAY) == UNKNOWN_GRADE
    wrong = woman(3, region_code=XIAMEN)
    assert graded(Criterion.REGIONS, wanted, wrong, DAY) == 0.0


def test_importance_weighs_each_criterion() -> None:
    wanted = wishes(gender_sought="female", regions=[SHANGHAI], min_education="master", must=["age"], age_min=20)
    elsewhere_master = woman(2, region_code=XIAMEN, education="master")
    shanghai_bachelor = woman(3, region_code=SHANGHAI, education="bachelor")
    assert importance_of(wanted, {}, Criterion.AGE) is Importance.MUST
    assert importance_of(wanted, {"education": "important"}, Criterion.EDUCATION) is Importance.IMPORTANT
    # By default the region (2.5) outweighs education (0.8).
    assert graded_fit(wanted, shanghai_bachelor, DAY) > graded_fit(wanted, elsewhere_master, DAY)
    # "Does not matter" leaves the region out: now education decides.
    levels = {"regions": "ignore"}
    assert graded_fit(wanted, elsewhere_master, DAY, levels) > graded_fit(wanted, shanghai_bachelor, DAY, levels)
    # "Important" doubles a weight.
    half = graded_fit(wanted, elsewhere_master, DAY)
    assert graded_fit(wanted, elsewhere_master, DAY, {"education": "important"}) > half
    # A must-have is a filter, never a weight: saying "important" for it changes nothing.
    assert graded_fit(wanted, elsewhere_master, DAY, {"age": "important"}) == half


def test_nothing_left_to_weigh_fits_fully() -> None:
    wanted = wishes(gender_sought="female", regions=[SHANGHAI])
    assert graded_fit(wanted, woman(2, region_code=XIAMEN), DAY, {"regions": "ignore"}) == 1.0


def test_a_rare_shared_hobby_counts_more_than_a_common_one() -> None:
    rarity = HobbyRarity()
    for _ in range(90):
        rarity.add({"music"})
    for _ in range(3):
        rarity.add({"tea"})
    me = {"music", "tea"}
    assert informative_overlap(me, {"tea", "hiking"}, rarity) > informative_overlap(me, {"music", "hiking"}, rarity)
    assert hobby_strengths(me, {"music", "tea"}, rarity) == ["tea", "music"]
    rarity.remove({"tea"})
    assert rarity.ticked["tea"] == 2


def test_ticking_everything_says_little_with_each() -> None:
    me = {"hiking", "tea"}
    focused = {"hiking"}
    everything = {"hiking", "music", "reading", "cooking", "travel", "movies", "gaming", "fitness"}
    assert informative_overlap(me, focused) > informative_overlap(me, everything) > 0


def test_the_stated_score_uses_the_graded_fit() -> None:
    asker = person(1, prefs={"gender_sought": "female", "age_min": 24, "age_max": 32})
    closer = woman(2, birth_year=DAY.year - 28)
    edge = woman(3, birth_year=DAY.year - 32)
    assert stated_score(asker, closer, DAY) > stated_score(asker, edge, DAY)


def test_a_wish_that_does_not_matter_is_left_out_of_the_first_cut_too() -> None:
    wanted = wishes(gender_sought="female", regions=[SHANGHAI], age_min=25, age_max=35, must=["age"])
    assert ignoring(wanted, {}) is wanted
    dropped = ignoring(wanted, {"regions": "ignore", "age": "ignore", "education": "ignore"})
    assert dropped.regions == frozenset() and not dropped.states(Criterion.REGIONS)
    assert (dropped.age_min, dropped.age_max) == (25, 35)  # a must-have stays: it is the filter
    assert ignoring(wanted, {"regions": "important"}) is wanted
