"""The NumPy index: the same answers as the rules, exclusions, exposure, ties, and changes kept current."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import numpy as np
import pytest

from domain.matching.columns import RegionVocabulary, encode
from domain.matching.explain import reasons
from domain.matching.exposure import stable_key, tiebreak
from domain.matching.index import MatchIndex, NotIndexedError
from domain.matching.model import MatchProfile, Suggestion
from tests.matching.builders import BEIJING, DAY, JIANGSU, SHANGHAI, SUZHOU, person, wishes, woman
from tests.matching.reference import reference_ranking

CAP = 3


def ids(found: list[Suggestion[int]]) -> list[int]:
    return [s.candidate_id for s in found]


def suggested(index: MatchIndex[int], asker: int, **options: object) -> list[int]:
    options.setdefault("max_exposure", CAP)
    options.setdefault("day", DAY)
    return ids(index.suggest(asker, **options))  # type: ignore[arg-type]


def test_suggestions_are_mutual_and_ranked_as_the_rules_rank_them() -> None:
    him = person(1, hobbies={"tea", "hiking"}, prefs={"gender_sought": "female", "age_max": 32, "must": ["age"]})
    pool = [
        him,
        woman(2, hobbies={"tea", "hiking"}),
        woman(3, hobbies={"tea"}),
        woman(4, birth_year=DAY.year - 33),  # too old for him
        woman(5, prefs={"gender_sought": "male", "height_min": 180, "must": ["height"]}),  # he is too short
        woman(6, prefs={"gender_sought": "female"}),
        person(7),
    ]
    index = MatchIndex.build(pool)
    found = index.suggest(1, max_exposure=CAP, day=DAY)
    expected = reference_ranking(him, pool, day=DAY)
    assert ids(found) == [row[0] for row in expected] == [2, 3]
    for suggestion, (_, score, for_asker, for_candidate) in zip(found, expected, strict=True):
        assert suggestion.score == pytest.approx(score, abs=1e-6)
        assert suggestion.score_for_asker == pytest.approx(for_asker, abs=1e-6)
        assert suggestion.score_for_candidate == pytest.approx(for_candidate, abs=1e-6)
        assert suggestion.reasons == reasons(him, index.profile(suggestion.candidate_id), DAY)


def test_asymmetric_wishes_are_suggested_neither_way() -> None:
    him = person(1, birth_year=DAY.year - 40)
    her = woman(2, prefs={"gender_sought": "male", "age_max": 35, "must": ["age"]})
    index = MatchIndex.build([him, her])
    assert suggested(index, 1) == []
    assert suggested(index, 2) == []


def test_every_must_have_criterion_filters_in_the_index() -> None:
    asker = person(1, education="master", region_code=SUZHOU, marital_history="divorced", wants_children="maybe")
    criteria: dict[str, tuple[dict[str, object], dict[str, object]]] = {
        "age": ({"age_min": 30, "age_max": 40}, {"age_min": 35}),
        "height": ({"height_min": 170}, {"height_max": 170}),
        "education": ({"min_education": "master"}, {"min_education": "doctorate"}),
        "regions": ({"regions": [JIANGSU]}, {"regions": [SHANGHAI, BEIJING]}),
        "marital": ({"marital": ["divorced", "widowed"]}, {"marital": ["never"]}),
        "children": ({"children": "maybe"}, {"children": "yes"}),
    }
    pool: list[MatchProfile[int]] = [asker]
    for n, (criterion, (met, unmet)) in enumerate(criteria.items()):
        pool.append(woman(10 + n, prefs={"gender_sought": "male", **met, "must": [criterion]}))
        pool.append(woman(20 + n, prefs={"gender_sought": "male", **unmet, "must": [criterion]}))
        pool.append(woman(30 + n, prefs={"gender_sought": "male", **unmet}))  # only a nice-to-have
    index = MatchIndex.build(pool)
    found = set(suggested(index, 1, k=100))
    assert found == {10 + n for n in range(6)} | {30 + n for n in range(6)}
    assert found == {row[0] for row in reference_ranking(asker, pool, day=DAY)}


def test_the_askers_own_must_haves_filter_candidates() -> None:
    asker = person(
        1,
        prefs={
            "gender_sought": "female",
            "age_min": 25,
            "age_max": 30,
            "height_min": 160,
            "min_education": "bachelor",
            "regions": [SHANGHAI, BEIJING, JIANGSU],
            "marital": ["never"],
            "children": "yes",
            "must": ["age", "height", "education", "regions", "marital", "children"],
        },
    )
    fits = woman(2)
    misses = [
        woman(3, birth_year=DAY.year - 31),
        woman(4, height_cm=159),
        woman(5, education="associate"),
        woman(6, region_code="440300"),
        woman(7, marital_history="divorced"),
        woman(8, wants_children="maybe"),
        woman(9, birth_year=None),
    ]
    index = MatchIndex.build([asker, fits, woman(10, region_code=SUZHOU), *misses])
    assert sorted(suggested(index, 1)) == [2, 10]


def test_exclusions_self_excluded_and_inactive() -> None:
    pool = [person(1, prefs={}), *(woman(n) for n in range(2, 7)), person(7, prefs={"gender_sought": "male"})]
    index = MatchIndex.build(pool)
    assert sorted(suggested(index, 1)) == [2, 3, 4, 5, 6, 7]
    assert sorted(suggested(index, 1, excluded={2, 3, 99}, inactive={4, 1})) == [5, 6, 7]


def test_the_exposure_cap_skips_profiles_shown_enough_today() -> None:
    pool = [person(1), woman(2, hobbies={"reading"}), woman(3), woman(4)]
    index = MatchIndex.build(pool)
    assert suggested(index, 1, k=1) == [2]
    assert suggested(index, 1, k=1, exposure={2: CAP - 1}) == [2]
    assert suggested(index, 1, k=1, exposure={2: CAP}) != [2]
    assert sorted(suggested(index, 1, exposure={2: CAP, 3: CAP + 5})) == [4]
    assert suggested(index, 1, max_exposure=0) == []


def test_ties_break_by_the_days_hash_whatever_the_insertion_order() -> None:
    twins = [woman(n) for n in range(2, 12)]
    first = MatchIndex.build([person(1), *twins])
    second = MatchIndex.build([*reversed(twins), person(1)])
    today = suggested(first, 1, k=5)
    assert len({s.score for s in first.suggest(1, max_exposure=CAP, day=DAY)}) == 1
    assert today == suggested(second, 1, k=5) == suggested(first, 1, k=5)
    assert today == sorted(range(2, 12), key=lambda n: tiebreak(DAY, stable_key(n)))[:5]
    next_days = [suggested(first, 1, k=5, day=DAY + timedelta(days=d)) for d in range(1, 4)]
    assert any(order != today for order in next_days)


def test_adding_changing_and_removing_profiles_keeps_answers_current() -> None:
    index = MatchIndex.build([person(1), woman(2)])
    assert suggested(index, 1) == [2]
    index.add(woman(3, hobbies={"reading"}))
    assert suggested(index, 1) == [3, 2]
    index.update(woman(3, prefs={"gender_sought": "male", "height_min": 180, "must": ["height"]}))
    assert suggested(index, 1) == [2]
    index.update(person(1, height_cm=181))
    assert sorted(suggested(index, 1)) == [2, 3]
    index.update(woman(2, gender="male", prefs={"gender_sought": "male"}))  # moves to another partition
    assert suggested(index, 1) == [3]
    index.remove(3)
    assert suggested(index, 1) == []
    assert 3 not in index and len(index) == 2
    index.upsert(woman(3))
    index.upsert(woman(4))
    assert sorted(suggested(index, 1)) == [3, 4]
    assert index.discard(4) and not index.discard(4)
    with pytest.raises(NotIndexedError):
        index.remove(4)
    with pytest.raises(NotIndexedError):
        index.suggest(4, max_exposure=CAP, day=DAY)
    with pytest.raises(ValueError, match="indexed already"):
        index.add(woman(3))
    assert sorted(index) == [1, 2, 3]


def test_slots_are_reused_and_tables_grow() -> None:
    index: MatchIndex[int] = MatchIndex(capacity=2)
    index.add(person(1))
    for n in range(2, 60):
        index.add(woman(n))
    assert len(suggested(index, 1, k=100)) == 58
    for n in range(2, 40):
        index.remove(n)
    for n in range(100, 110):
        index.add(woman(n))
    assert sorted(suggested(index, 1, k=100)) == [*range(40, 60), *range(100, 110)]
    memory = index.memory()
    assert memory.arrays > 0 and memory.python > 0 and memory.total == memory.arrays + memory.python


def test_more_than_64_provinces_widen_the_region_bit_sets() -> None:
    index = MatchIndex.build([person(1, region_code="R000", prefs={"gender_sought": "female"})])
    for n in range(1, 80):
        index.add(woman(100 + n, region_code=f"R{n:03d}"))
    assert index.vocabulary.words == 2
    late = f"R{75:03d}"
    index.add(person(2, region_code=late, prefs={"gender_sought": "female", "regions": [late], "must": ["regions"]}))
    index.add(woman(3, region_code=late, prefs={"gender_sought": "male", "regions": [late], "must": ["regions"]}))
    assert sorted(suggested(index, 2)) == [3, 175]
    assert 3 not in suggested(index, 1, k=100)
    assert len(suggested(index, 1, k=100)) == 79
    assert suggested(index, 3) == [2]


def test_the_index_keeps_what_the_matcher_compares() -> None:
    original = woman(
        2,
        region_code=SUZHOU,
        hobbies={"tea", "knitting by the sea"},
        personality={"calm", "gentle"},
        prefs={"gender_sought": "male", "regions": [SUZHOU], "age_max": 40, "must": ["regions", "salary"]},
    )
    index = MatchIndex.build([original])
    kept = index.profile(2)
    assert kept == dataclasses.replace(
        original,
        hobbies=frozenset({"tea"}),
        personality=frozenset({"gentle"}),
        preferences=wishes(gender_sought="male", regions=[JIANGSU], age_max=40, must=["regions"]),
    )
    with pytest.raises(NotIndexedError):
        index.profile(99)


def test_from_columns_loads_what_build_would() -> None:
    pool = [person(1), woman(2, region_code=SUZHOU), woman(3, hobbies={"reading"}), woman(4)]
    vocabulary = RegionVocabulary()
    columns = encode(pool, vocabulary)
    loaded = MatchIndex.from_columns([p.id for p in pool], columns, vocabulary)
    built = MatchIndex.build(pool)
    assert suggested(loaded, 1) == suggested(built, 1)
    assert suggested(loaded, 1)[0] == 3 and sorted(suggested(loaded, 1)) == [2, 3, 4]
    with pytest.raises(ValueError, match="ids for"):
        MatchIndex.from_columns([1, 2], columns, vocabulary)
    with pytest.raises(ValueError, match="not unique"):
        MatchIndex.from_columns([1, 1, 2, 3], columns, vocabulary)
    bad = dataclasses.replace(columns, education=np.array([0, 9, 0, 0], dtype=np.int8))
    with pytest.raises(ValueError, match="education"):
        MatchIndex.from_columns([1, 2, 3, 4], bad, vocabulary)
    with pytest.raises(ValueError, match="region"):
        MatchIndex.from_columns([1, 2, 3, 4], columns, RegionVocabulary())


def test_suggest_for_a_profile_that_is_not_indexed() -> None:
    index = MatchIndex.build([woman(2), woman(3, region_code=BEIJING)])
    newcomer = person(1, prefs={"gender_sought": "female", "regions": [BEIJING], "must": ["regions"]})
    found = index.suggest_for(newcomer, max_exposure=CAP, day=DAY)
    assert ids(found) == [3]
    assert found[0].reasons == reasons(newcomer, index.profile(3), DAY)
    assert index.suggest_for(newcomer, max_exposure=CAP, day=DAY, explain=False)[0].reasons == ()
    assert 1 not in index
