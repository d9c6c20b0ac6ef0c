"""Reasons: codes with parameters, the strongest three first, and their English rendering."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from domain.matching.explain import MAX_REASONS, ReasonCode, describe, reasons
from domain.matching.model import Reason
from tests.matching.builders import BEIJING, DAY, SHANGHAI, person, woman


def codes(found: tuple[Reason, ...]) -> list[str]:
    return [reason.code for reason in found]


def test_shared_hobbies_name_the_hobbies_in_the_intake_order() -> None:
    him = person(1, hobbies={"tea", "hiking", "gaming"}, last_active=None)
    her = woman(2, hobbies={"hiking", "tea", "art"}, last_active=None)
    assert reasons(him, her, DAY) == (Reason("shared_hobbies", {"hobbies": ["hiking", "tea"]}),)


def test_each_fits_the_others_age_wish() -> None:
    him = person(1, prefs={"gender_sought": "female", "age_min": 25, "age_max": 32}, hobbies={"art"}, last_active=None)
    her = woman(2, prefs={"gender_sought": "male", "age_min": 28, "age_max": 40}, last_active=None)
    assert reasons(him, her, DAY) == (Reason("mutual_age_fit"),)
    only_his = woman(3, prefs={"gender_sought": "male"}, last_active=None)
    assert reasons(him, only_his, DAY) == (Reason("age_fit", {"age": 29}),)


def test_the_strongest_three_reasons_strongest_first() -> None:
    him = person(
        1,
        hobbies={"tea", "hiking"},
        personality={"cheerful"},
        prefs={"gender_sought": "female", "age_max": 35, "height_max": 170, "regions": [SHANGHAI], "children": "yes"},
    )
    her = woman(
        2,
        hobbies={"tea", "hiking"},
        personality={"optimistic"},
        last_active=DAY,
        prefs={"gender_sought": "male", "age_max": 40, "must": ["age"]},
    )
    found = reasons(him, her, DAY)
    assert len(found) == MAX_REASONS
    # His stated weights: age 1 + height 0.6 + regions 2.5 + children 0.8 = 4.9. The mutual age fit:
    # 0.45 * (1/4.9 + 1/1) = 0.54; hobbies 2 * 0.25 * 1.0 = 0.5; region 0.45 * 2.5/4.9 = 0.23;
    # personality 2 * 0.2 * (0.9 - 0.5) = 0.16; activity 0.1; children 0.07; height 0.06.
    assert codes(found) == ["mutual_age_fit", "shared_hobbies", "region_fit"]
    assert found[2].params == {"region": SHANGHAI}
    # Without the region wish (weights 2.4): age 0.64, hobbies 0.5, personality 0.16, children 0.15.
    anywhere = dataclasses.replace(him, preferences=dataclasses.replace(him.preferences, regions=frozenset()))
    found = reasons(anywhere, her, DAY)
    assert codes(found) == ["mutual_age_fit", "shared_hobbies", "personality_match"]
    assert found[2].params == {"asker": ["cheerful"], "candidate": ["optimistic"]}


def test_fits_their_wishes_when_the_asker_meets_all_the_candidates_criteria() -> None:
    him = person(1, education="master", hobbies={"art"}, last_active=None)
    prefs = {"gender_sought": "male", "min_education": "bachelor", "regions": [SHANGHAI]}
    her = woman(2, prefs=prefs, last_active=None)
    assert codes(reasons(him, her, DAY)) == ["fits_their_wishes"]
    elsewhere = woman(3, prefs={"gender_sought": "male", "regions": [BEIJING]}, last_active=None)
    assert reasons(him, elsewhere, DAY) == ()


def test_recently_active_says_how_many_days_ago() -> None:
    him = person(1, hobbies={"art"})
    her = woman(2, last_active=DAY - timedelta(days=2))
    assert reasons(him, her, DAY) == (Reason("recently_active", {"days": 2}),)
    assert reasons(him, woman(3, last_active=DAY - timedelta(days=4)), DAY) == ()


def test_every_code_renders_as_one_english_sentence() -> None:
    samples = {
        ReasonCode.AGE_FIT: {"age": 29},
        ReasonCode.REGION_FIT: {"region": "310000"},
        ReasonCode.CHILDREN_FIT: {"wants_children": "yes"},
        ReasonCode.EDUCATION_FIT: {"education": "master"},
        ReasonCode.HEIGHT_FIT: {"height_cm": 170},
        ReasonCode.MARITAL_FIT: {"marital": "never"},
        ReasonCode.SHARED_HOBBIES: {"hobbies": ["hiking", "ball_games", "tea"]},
        ReasonCode.PERSONALITY_MATCH: {"asker": ["cheerful"], "candidate": ["family_minded"]},
        ReasonCode.RECENTLY_ACTIVE: {"days": 3},
    }
    for code in ReasonCode:
        text = describe(Reason(code, samples.get(code, {})))  # type: ignore[arg-type]
        assert text.endswith(".") and "{" not in text and "_" not in text, text
    assert describe(Reason("shared_hobbies", {"hobbies": ["hiking", "ball_games", "tea"]})) == (
        "You both enjoy hiking, ball games and tea."
    )
    assert describe(Reason("mutual_age_fit")) == "You are each within the age range the other asked for."
    assert describe(Reason("age_fit", {"age": 29})) == "At 29, within the age range you asked for."
    assert describe(Reason("age_fit")) == "Meets your wish for age."
    assert describe(Reason("recently_active", {"days": 0})) == "Active today."
