"""The hard filters, both ways: each must-have criterion, gender, unknown facts, and asymmetric wishes."""

from __future__ import annotations

import pytest

from domain.matching.filters import meets_must_haves, mutually_acceptable, unmet_must_haves, would_accept
from tests.matching.builders import BEIJING, DAY, JIANGSU, SHANGHAI, SUZHOU, person, wishes, woman


def test_gender_sought_binds_both_ways() -> None:
    man, her = person(1), woman(2)
    assert mutually_acceptable(man, her, day=DAY)
    seeking_women = woman(3, prefs={"gender_sought": "female"})
    assert not mutually_acceptable(man, seeking_women, day=DAY)
    assert not mutually_acceptable(seeking_women, man, day=DAY)
    assert unmet_must_haves(seeking_women.preferences, man, DAY) == ("gender",)


def test_no_gender_sought_accepts_anyone_but_an_unknown_gender_meets_no_stated_one() -> None:
    open_minded = woman(1, prefs={})
    assert meets_must_haves(open_minded.preferences, person(2), DAY)
    assert meets_must_haves(open_minded.preferences, woman(3), DAY)
    assert not meets_must_haves(wishes(gender_sought="male"), person(4, gender=None), DAY)


@pytest.mark.parametrize(
    ("birth_year", "met"),
    [(DAY.year - 25, True), (DAY.year - 35, True), (DAY.year - 24, False), (DAY.year - 36, False), (None, False)],
)
def test_age_must_have_uses_the_coarse_age_and_inclusive_bounds(birth_year: int | None, met: bool) -> None:
    prefs = wishes(gender_sought="male", age_min=25, age_max=35, must=["age"])
    assert meets_must_haves(prefs, person(1, birth_year=birth_year), DAY) is met


def test_an_open_bound_is_open() -> None:
    prefs = wishes(age_max=30, height_min=170, must=["age", "height"])
    assert meets_must_haves(prefs, person(1, birth_year=DAY.year - 20, height_cm=199), DAY)
    assert unmet_must_haves(prefs, person(1, birth_year=DAY.year - 31, height_cm=169), DAY) == ("age", "height")


@pytest.mark.parametrize(("height", "met"), [(170, True), (185, True), (169, False), (186, False), (None, False)])
def test_height_must_have(height: int | None, met: bool) -> None:
    prefs = wishes(height_min=170, height_max=185, must=["height"])
    assert meets_must_haves(prefs, person(1, height_cm=height), DAY) is met


@pytest.mark.parametrize(
    ("education", "met"),
    [("master", True), ("doctorate", True), ("bachelor", False), ("high_school", False), (None, False)],
)
def test_minimum_education_must_have(education: str | None, met: bool) -> None:
    prefs = wishes(min_education="master", must=["education"])
    assert meets_must_haves(prefs, person(1, education=education), DAY) is met


def test_region_must_have_counts_a_city_as_its_province() -> None:
    prefs = wishes(regions=[JIANGSU], must=["regions"])
    assert meets_must_haves(prefs, person(1, region_code=SUZHOU), DAY)
    assert meets_must_haves(prefs, person(1, region_code=JIANGSU), DAY)
    assert not meets_must_haves(prefs, person(1, region_code=SHANGHAI), DAY)
    assert not meets_must_haves(prefs, person(1, region_code=None), DAY)
    by_city = wishes(regions=[SUZHOU], must=["regions"])
    assert meets_must_haves(by_city, person(1, region_code="320100"), DAY)  # Nanjing is in Jiangsu too
    unknown = wishes(regions=["CN-ZJ"], must=["regions"])
    assert meets_must_haves(unknown, person(1, region_code="CN-ZJ"), DAY)
    assert not meets_must_haves(unknown, person(1, region_code=BEIJING), DAY)


@pytest.mark.parametrize(("history", "met"), [("never", True), ("divorced", True), ("widowed", False), (None, False)])
def test_marital_history_must_have(history: str | None, met: bool) -> None:
    prefs = wishes(marital=["never", "divorced"], must=["marital"])
    assert meets_must_haves(prefs, person(1, marital_history=history), DAY) is met


@pytest.mark.parametrize(("wants", "met"), [("yes", True), ("maybe", False), ("no", False), (None, False)])
def test_children_must_have_wants_the_same_wish(wants: str | None, met: bool) -> None:
    prefs = wishes(children="yes", must=["children"])
    assert meets_must_haves(prefs, person(1, wants_children=wants), DAY) is met


def test_nice_to_haves_do_not_filter() -> None:
    prefs = wishes(
        age_min=40, age_max=45, height_min=190, min_education="doctorate", regions=[BEIJING], marital=["widowed"],
        children="no",
    )
    assert meets_must_haves(prefs, person(1), DAY)


def test_a_must_have_without_a_stated_preference_or_with_an_unknown_name_binds_nothing() -> None:
    prefs = wishes(must=["regions", "age", "region", "salary"])
    assert meets_must_haves(prefs, person(1, region_code=None, birth_year=None), DAY)


def test_asymmetric_wishes_are_no_match_either_way() -> None:
    # She is what he asks for; he is older than she accepts.
    him = person(1, birth_year=DAY.year - 40, prefs={"gender_sought": "female", "age_min": 25, "must_have": ["age"]})
    her = woman(2, prefs={"gender_sought": "male", "age_max": 35, "must": ["age"]})
    assert meets_must_haves(him.preferences, her, DAY)
    assert not meets_must_haves(her.preferences, him, DAY)
    assert not mutually_acceptable(him, her, day=DAY)
    assert not mutually_acceptable(her, him, day=DAY)


def test_would_accept_is_the_candidates_must_haves_applied_to_the_asker() -> None:
    asker = person(1, height_cm=168)
    picky = woman(2, prefs={"gender_sought": "male", "height_min": 170, "must": ["height"]})
    relaxed = woman(3, prefs={"gender_sought": "male", "height_min": 170})
    assert not would_accept(picky, asker, day=DAY)
    assert would_accept(relaxed, asker, day=DAY)
    assert would_accept(picky, person(4, height_cm=180), day=DAY)


def test_nobody_matches_themself() -> None:
    me = person(1, prefs={})
    assert not mutually_acceptable(me, me, day=DAY)
