"""The demo pool generator: deterministic, both languages, complete profiles, lenient realistic preferences."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from domain.demo import DemoPerson, demo_people, demo_person
from domain.income import income_bands
from domain.intake import (
    ABOUT_LIMIT,
    ABOUT_MINIMUM,
    CRITERIA,
    EDUCATION_LEVELS,
    HOBBIES,
    MARITAL_HISTORIES,
    MAX_PERSONALITY,
    NAME_LIMIT,
    OCCUPATION_LIMIT,
    PERSONALITY,
    WANTS_CHILDREN,
    first_unanswered,
    set_criteria,
)
from domain.matching.filters import mutually_acceptable
from domain.matching.model import MatchPreferences, MatchProfile
from domain.regions import region_book

TODAY = date(2026, 11, 27)
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def pool() -> list[DemoPerson]:
    return demo_people(400, today=TODAY)


def test_the_same_count_and_seed_give_the_same_people() -> None:
    assert demo_people(60, today=TODAY) == demo_people(60, today=TODAY)
    assert demo_people(60, seed=7, today=TODAY) == demo_people(60, seed=7, today=TODAY)
    assert demo_people(60, seed=7, today=TODAY) != demo_people(60, seed=8, today=TODAY)


def test_a_larger_count_keeps_the_first_people() -> None:
    assert demo_people(30, today=TODAY)[:10] == demo_people(10, today=TODAY)
    assert demo_person(25, today=TODAY) == demo_people(30, today=TODAY)[24]
    assert [person.number for person in demo_people(5, today=TODAY)] == [1, 2, 3, 4, 5]
    assert demo_people(0, today=TODAY) == []


def test_half_speak_english_half_chinese_and_men_and_women_are_balanced(pool: list[DemoPerson]) -> None:
    assert Counter(person.locale for person in pool) == {"en": 200, "zh": 200}
    assert Counter(person.gender for person in pool) == {"male": 200, "female": 200}
    assert Counter((person.locale, person.gender) for person in pool) == {
        ("en", "male"): 100,
        ("en", "female"): 100,
        ("zh", "male"): 100,
        ("zh", "female"): 100,
    }


def test_chinese_speakers_have_chinese_names_and_texts(pool: list[DemoPerson]) -> None:
    for person in pool:
        texts = [person.display_name, person.occupation, person.city_text, person.about_me]
        texts += [text for text in (person.relationship_history, person.hobbies_text) if text]
        if person.locale == "zh":
            assert all(HAN.search(text) for text in texts), person
            assert len(person.display_name) == 2, "a given name (晓雯) or 小X, never surname + given name"
        else:
            assert not any(HAN.search(text) for text in texts), person
            assert re.fullmatch(r"[A-Z][a-z]+", person.display_name), "a first name only"


def test_every_person_is_a_complete_profile_without_photos(pool: list[DemoPerson]) -> None:
    for person in pool:
        profile, wishes = person.as_profile(), person.preferences.as_data()
        assert first_unanswered(profile, wishes) is None, person  # photos are optional
        assert person.external_id == f"demo-{person.number}"


def test_answers_are_valid_intake_codes_and_texts(pool: list[DemoPerson]) -> None:
    book = region_book()
    bands = {band.code for band in income_bands("CNY")}
    for person in pool:
        assert 22 <= person.age(TODAY) <= 55
        assert person.education in EDUCATION_LEVELS
        assert person.marital_history in MARITAL_HISTORIES
        assert person.wants_children in WANTS_CHILDREN
        assert person.income_band is None or person.income_band in bands
        assert person.region_code in book
        assert 1 <= len(person.personality) <= MAX_PERSONALITY and set(person.personality) <= set(PERSONALITY)
        assert len(person.hobbies) >= 1 and set(person.hobbies) <= set(HOBBIES)
        assert len(person.display_name) <= NAME_LIMIT and 2 <= len(person.occupation) <= OCCUPATION_LIMIT
        assert ABOUT_MINIMUM <= len(person.about_me) <= ABOUT_LIMIT
        assert person.phone is None
        low, high = (158, 195) if person.gender == "male" else (148, 182)
        assert low <= person.height_cm <= high
    ages = [person.age(TODAY) for person in pool]
    assert 30 <= sum(ages) / len(ages) <= 38
    men = [person.height_cm for person in pool if person.gender == "male"]
    women = [person.height_cm for person in pool if person.gender == "female"]
    assert sum(men) / len(men) - sum(women) / len(women) > 8
    assert demo_people(4, today=TODAY, currency="USD")[0].income_band in {None, *(b.code for b in income_bands("USD"))}


def test_preferences_are_lenient_and_consistent(pool: list[DemoPerson]) -> None:
    book = region_book()
    for person in pool:
        wishes = person.preferences
        age = person.age(TODAY)
        assert wishes.gender_sought != person.gender
        assert len(wishes.must_have) <= 2
        assert set(wishes.must_have) <= set(set_criteria(wishes.as_data())) <= set(CRITERIA)
        if wishes.age_min is not None:
            assert wishes.age_max is not None and 20 <= wishes.age_min <= age <= wishes.age_max
        if wishes.height_min is not None:
            assert wishes.height_max is not None and wishes.height_max - wishes.height_min >= 15
        assert all(book.get(code) is not None and book.province_of(code) == code for code in wishes.regions)
        assert wishes.children in (None, "yes", "no")
    must_haves = Counter(len(person.preferences.must_have) for person in pool)
    assert must_haves[0] > 0 and must_haves[1] > 0 and must_haves[2] > 0


def test_a_typical_newcomer_fits_many_demo_clients(pool: list[DemoPerson]) -> None:
    newcomer = MatchProfile(
        id=0,
        gender="male",
        birth_year=1994,
        height_cm=175,
        education="bachelor",
        region_code="310000",
        marital_history="never",
        has_children=False,
        wants_children="yes",
        preferences=MatchPreferences(gender_sought="female", age_min=24, age_max=34, must_have=frozenset({"age"})),
    )
    women = [person for person in pool if person.gender == "female"]
    fitting = [person for person in women if mutually_acceptable(newcomer, _match_profile(person), day=TODAY)]
    assert len(fitting) >= 60, len(fitting)  # of 200 women, about 120 of them 24 to 34


def _match_profile(person: DemoPerson) -> MatchProfile[int]:
    wishes = person.preferences
    return MatchProfile(
        id=person.number,
        gender=person.gender,
        birth_year=person.birth_date.year,
        height_cm=person.height_cm,
        education=person.education,
        region_code=person.region_code,
        marital_history=person.marital_history,
        has_children=person.has_children,
        wants_children=person.wants_children,
        personality=frozenset(person.personality),
        hobbies=frozenset(person.hobbies),
        preferences=MatchPreferences(
            gender_sought=wishes.gender_sought,
            age_min=wishes.age_min,
            age_max=wishes.age_max,
            height_min=wishes.height_min,
            height_max=wishes.height_max,
            min_education=wishes.min_education,
            regions=frozenset(wishes.regions),
            marital=frozenset(wishes.marital),
            children=wishes.children,
            must_have=frozenset(wishes.must_have),
        ),
    )
