"""Property: on small random pools the vectorised index answers exactly what the pure-Python rules answer.

Random facts (some unknown), random preferences with random must-haves (some criteria listed but not stated,
some names unknown), random region codes (cities, provinces, codes the region book does not know).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.matching.filters import meets_must_haves
from domain.matching.index import MatchIndex
from domain.matching.model import (
    CRITERIA,
    EDUCATION_LEVELS,
    GENDERS,
    HOBBIES,
    MARITAL_HISTORIES,
    PERSONALITY,
    WANTS_CHILDREN,
    MatchPreferences,
    MatchProfile,
)
from tests.matching.builders import BEIJING, DAY, JIANGSU, SHANGHAI, SUZHOU
from tests.matching.reference import reference_ranking

REGIONS = (SHANGHAI, BEIJING, JIANGSU, SUZHOU, "320100", "CN-XX")
T = TypeVar("T")
SETTINGS = settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.one_of(st.none(), strategy)


preferences = st.builds(
    MatchPreferences,
    gender_sought=maybe(st.sampled_from(GENDERS)),
    age_min=maybe(st.integers(18, 50)),
    age_max=maybe(st.integers(25, 70)),
    height_min=maybe(st.integers(150, 180)),
    height_max=maybe(st.integers(160, 195)),
    min_education=maybe(st.sampled_from(EDUCATION_LEVELS)),
    regions=st.frozensets(st.sampled_from(REGIONS), max_size=3),
    marital=st.frozensets(st.sampled_from((*MARITAL_HISTORIES, "annulled")), max_size=2),
    children=maybe(st.sampled_from(WANTS_CHILDREN)),
    must_have=st.frozensets(st.sampled_from((*CRITERIA, "region")), max_size=4),
)
# Everything of a profile but its id.
facts = st.fixed_dictionaries(
    {
        "gender": st.sampled_from((*GENDERS, *GENDERS, *GENDERS, None)),
        "birth_year": maybe(st.integers(DAY.year - 60, DAY.year - 20)),
        "height_cm": maybe(st.integers(150, 195)),
        "education": maybe(st.sampled_from(EDUCATION_LEVELS)),
        "region_code": maybe(st.sampled_from(REGIONS)),
        "marital_history": maybe(st.sampled_from(MARITAL_HISTORIES)),
        "has_children": maybe(st.booleans()),
        "wants_children": maybe(st.sampled_from(WANTS_CHILDREN)),
        "personality": st.frozensets(st.sampled_from((*PERSONALITY[:5], "calm")), max_size=3),
        "hobbies": st.frozensets(st.sampled_from((*HOBBIES[:6], "kunqu")), max_size=4),
        "last_active": maybe(st.integers(-3, 400).map(lambda days: DAY - timedelta(days=days))),
        "preferences": preferences,
    }
)


def profile(profile_id: int, fields: dict[str, Any]) -> MatchProfile[int]:
    return MatchProfile(id=profile_id, **fields)


pools = st.lists(facts, min_size=2, max_size=25).map(lambda items: [profile(n, f) for n, f in enumerate(items)])


@SETTINGS
@given(pool=pools, data=st.data())
def test_the_index_suggests_exactly_whom_the_rules_allow_with_the_same_scores(
    pool: list[MatchProfile[int]], data: st.DataObject
) -> None:
    index = MatchIndex.build(pool)
    asker = data.draw(st.sampled_from(pool))
    excluded = data.draw(st.frozensets(st.sampled_from([p.id for p in pool]), max_size=3))
    inactive = data.draw(st.frozensets(st.sampled_from([p.id for p in pool]), max_size=2))
    found = index.suggest(asker.id, k=len(pool), excluded=excluded, inactive=inactive, max_exposure=1, day=DAY)
    expected = reference_ranking(asker, pool, day=DAY, excluded=excluded, inactive=inactive)
    assert {s.candidate_id for s in found} == {row[0] for row in expected}
    by_id = {row[0]: row for row in expected}
    profiles_by_id = {p.id: p for p in pool}
    for suggestion in found:
        _, score, for_asker, for_candidate = by_id[suggestion.candidate_id]
        assert abs(suggestion.score - score) < 1e-5
        assert abs(suggestion.score_for_asker - for_asker) < 1e-5
        assert abs(suggestion.score_for_candidate - for_candidate) < 1e-5
        candidate = profiles_by_id[suggestion.candidate_id]
        assert meets_must_haves(asker.preferences, candidate, DAY)
        assert meets_must_haves(candidate.preferences, asker, DAY)


@SETTINGS
@given(pool=pools, data=st.data())
def test_the_top_k_is_the_best_of_those_under_the_exposure_cap(
    pool: list[MatchProfile[int]], data: st.DataObject
) -> None:
    index = MatchIndex.build(pool)
    asker = data.draw(st.sampled_from(pool))
    k = data.draw(st.integers(1, 5))
    exposure = data.draw(st.dictionaries(st.sampled_from([p.id for p in pool]), st.integers(0, 4), max_size=6))
    found = index.suggest(asker.id, k=k, exposure=exposure, max_exposure=2, day=DAY, explain=False)
    allowed = [row for row in reference_ranking(asker, pool, day=DAY) if exposure.get(row[0], 0) < 2]
    assert len(found) == min(k, len(allowed))
    chosen = {s.candidate_id for s in found}
    assert all(exposure.get(s.candidate_id, 0) < 2 for s in found)
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    if found:
        assert all(row[1] <= scores[-1] + 1e-6 for row in allowed if row[0] not in chosen)


@SETTINGS
@given(pool=pools, changes=st.lists(st.tuples(st.integers(0, 30), facts | st.none()), max_size=12))
def test_an_index_changed_one_profile_at_a_time_answers_as_one_built_afresh(
    pool: list[MatchProfile[int]], changes: list[tuple[int, dict[str, Any] | None]]
) -> None:
    index = MatchIndex.build(pool[:1])
    current = {pool[0].id: pool[0]}
    for item in pool[1:]:
        index.add(item)
        current[item.id] = item
    for profile_id, fields in changes:
        if fields is not None:
            replacement = profile(profile_id, fields)
            index.upsert(replacement)
            current[profile_id] = replacement
        elif index.discard(profile_id):
            del current[profile_id]
    fresh = MatchIndex.build(current.values())
    for asker_id in list(current)[:5]:
        changed = index.suggest(asker_id, k=50, max_exposure=1, day=DAY, explain=False)
        built = fresh.suggest(asker_id, k=50, max_exposure=1, day=DAY, explain=False)
        assert [(s.candidate_id, s.score) for s in changed] == [(s.candidate_id, s.score) for s in built]
