"""Matching benchmark: query latency, build time and memory of the match index against a NumPy brute force,
and the quality of reciprocal ranking against one-sided ranking.

    .venv/bin/python bench/bench_matching.py                  # 100k and 1M profiles, quality figure
    .venv/bin/python bench/bench_matching.py --sizes 20000    # quicker

Everything is synthetic and deterministic (fixed seeds); one thread (BLAS/OpenMP limited to 1 before NumPy
is imported). The brute force is an honest vectorised implementation of the same rules on the same columns:
filter every row, score every row, argpartition; the two must return the same suggestions, and the script
counts how often they do. "learned" times the chat's path: the index's head of 40 and its re-ranking with
learned figures (`domain.matching.rerank`); how well that ranking predicts answers is bench/eval_matching.py's
replay, not this script's hidden-taste figure.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import gc  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.matching.columns import (  # noqa: E402
    EDUCATION_UNKNOWN,
    MARITAL_UNKNOWN,
    OPEN_HIGH,
    OPEN_LOW,
    UNKNOWN_NUMBER,
    WANTS_UNKNOWN,
    ProfileColumns,
    RegionVocabulary,
)
from domain.matching.criteria import AGE_SLACK_YEARS, HEIGHT_SLACK_CM, NEAR_GRADE  # noqa: E402
from domain.matching.exposure import stable_key, tiebreaks  # noqa: E402
from domain.matching.index import MatchIndex  # noqa: E402
from domain.matching.learning import Figures, Tally  # noqa: E402
from domain.matching.model import EDUCATION_LEVELS, HOBBIES, Criterion  # noqa: E402
from domain.matching.rerank import head_size, rerank  # noqa: E402
from domain.matching.scoring import (  # noqa: E402
    CRITERION_WEIGHTS,
    RECENCY_HALF_LIFE_DAYS,
    RECENCY_HORIZON_DAYS,
    W_HOBBIES,
    W_PERSONALITY,
    W_PREFERENCES,
    W_RECENCY,
)
from domain.matching.vectorised import personality_table, popcount  # noqa: E402

DAY = date(2026, 5, 4)
K = 10
ASKERS = 200
QUALITY_ASKERS = 500
MAX_EXPOSURE = 5
F32 = np.float32
BIT = {c: 1 << i for i, c in enumerate(Criterion)}
WANTS_MAYBE = 2

# 34 provinces and 6 large cities (which count as their provinces): ~40 regions, skewed like a real client base.
PROVINCES = (
    *("440000", "320000", "330000", "370000", "410000", "510000", "310000", "110000", "420000", "430000"),
    *("350000", "130000", "340000", "500000", "610000", "210000", "360000", "120000", "450000", "530000"),
    *("140000", "230000", "220000", "520000", "150000", "620000", "650000", "460000", "640000", "630000"),
    *("540000", "810000", "820000", "710000"),
)
CITIES = ("440300", "440100", "320500", "330200", "370200", "210200")
REGION_CODES = (*PROVINCES[:10], *CITIES, *PROVINCES[10:])


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


# --- the synthetic population --------------------------------------------------------------------------
@dataclass
class Pool:
    ids: list[uuid.UUID]
    columns: ProfileColumns
    vocabulary: RegionVocabulary
    latent: NDArray[np.float64]  # hidden traits (quality figure)
    taste: NDArray[np.float64]  # hidden taste: likes partners whose traits point the same way


def _pick(rng: np.random.Generator, count: int, weights: Sequence[float]) -> NDArray[np.int64]:
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=count, p=p / p.sum())


def synthetic_pool(count: int, seed: int) -> Pool:
    """Active profiles with realistic marginals: ages 22-55, heights by gender, education levels, ~40 regions
    with a Zipf skew, hobbies and personality drawn from hidden traits, preferences mostly reasonable with
    some must-haves."""
    rng = np.random.default_rng(seed)
    vocabulary = RegionVocabulary()
    region_ids = np.array([vocabulary.region_id(code) for code in REGION_CODES], dtype=np.int16)
    province_of_region = vocabulary.provinces_of_regions()
    c = ProfileColumns.empty(count, vocabulary.words)
    female = rng.random(count) < 0.5
    gender = np.where(female, 2, 1).astype(np.int8)
    c.gender[:] = gender
    same_sex = rng.random(count) < 0.03
    c.seek[:] = np.where(same_sex, gender, 3 - gender)
    age = np.where(rng.random(count) < 0.7, rng.normal(31, 5, count), rng.uniform(22, 56, count))
    age = np.clip(np.round(age), 22, 55).astype(np.int16)
    c.birth_year[:] = DAY.year - age
    c.height[:] = np.clip(np.round(np.where(female, rng.normal(160, 6, count), rng.normal(172, 6.5, count))), 145, 200)
    c.education[:] = _pick(rng, count, [0.12, 0.23, 0.42, 0.18, 0.05])
    c.region[:] = region_ids[_pick(rng, count, [1 / (rank + 1) for rank in range(len(REGION_CODES))])]
    divorced = rng.random(count) < np.clip(0.02 + 0.012 * (age - 22), 0, 0.45)
    widowed = ~divorced & (age > 40) & (rng.random(count) < 0.04)
    marital = np.where(divorced, 1, np.where(widowed, 2, 0)).astype(np.int8)
    c.marital[:] = marital
    c.has_children[:] = rng.random(count) < np.where(marital == 0, 0.03, 0.6)
    c.wants_children[:] = np.where(
        age > 45, _pick(rng, count, [0.2, 0.55, 0.25]), _pick(rng, count, [0.62, 0.13, 0.25])
    )
    latent = rng.normal(size=(count, 4))
    loadings = rng.normal(size=(4, 16))
    hobby_logits = -1.3 + 1.2 * (latent @ loadings) / 2
    hobbies = rng.random((count, 16)) < 1 / (1 + np.exp(-hobby_logits))
    hobbies[np.arange(count), np.argmax(hobby_logits, axis=1)] = True
    c.hobbies[:] = (hobbies.astype(np.uint64) << np.arange(16, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)
    personality_logits = latent @ rng.normal(size=(4, 12)) + rng.gumbel(size=(count, 12))
    top = np.argsort(-personality_logits, axis=1)[:, :3]
    keep = rng.integers(1, 4, count)
    personality = np.zeros(count, dtype=np.uint16)
    for rank in range(3):
        personality |= np.where(rank < keep, np.uint16(1) << top[:, rank].astype(np.uint16), 0).astype(np.uint16)
    c.personality[:] = personality
    c.last_active[:] = DAY.toordinal() - np.minimum(rng.geometric(1 / 10, count) - 1, 180)
    taste = 0.7 * latent + 0.7 * rng.normal(size=(count, 4))
    # Preferences.
    stated = np.zeros(count, dtype=np.uint8)
    must = np.zeros(count, dtype=np.uint8)

    def state(criterion: Criterion, share: float, must_share: float) -> NDArray[np.bool_]:
        chosen = rng.random(count) < share
        stated[chosen] |= np.uint8(BIT[criterion])
        must[chosen & (rng.random(count) < must_share)] |= np.uint8(BIT[criterion])
        return chosen

    state(Criterion.AGE, 0.9, 0.4)
    seeks_female = c.seek == 2
    jitter = rng.integers(-2, 3, count)
    c.age_lo[:] = np.clip(np.where(seeks_female, age - 8, age - 2) + jitter, 20, 99)
    c.age_hi[:] = np.clip(np.where(seeks_female, age + 2, age + 8) + jitter, 20, 99)
    state(Criterion.HEIGHT, 0.6, 0.2)
    height = c.height.astype(np.int32)
    c.height_lo[:] = np.where(seeks_female, 145, np.clip(height + 5 + rng.integers(-3, 4, count), 150, 190))
    c.height_hi[:] = np.where(seeks_female, np.clip(height + 3 + rng.integers(-3, 4, count), 150, 200), OPEN_HIGH)
    state(Criterion.EDUCATION, 0.5, 0.25)
    c.min_education[:] = np.clip(c.education - rng.integers(0, 2, count), 0, 4)
    regions = state(Criterion.REGIONS, 0.55, 0.4)
    own_province = province_of_region[c.region].astype(np.int64)
    second = province_of_region[region_ids[_pick(rng, count, [1 / (r + 1) for r in range(len(REGION_CODES))])]]
    bits = (np.uint64(1) << own_province.astype(np.uint64)) | np.where(
        rng.random(count) < 0.3, np.uint64(1) << second.astype(np.uint64), np.uint64(0)
    )
    c.pref_regions[0, :] = np.where(regions, bits, np.uint64(0))
    state(Criterion.MARITAL, 0.4, 0.3)
    c.pref_marital[:] = np.where(marital > 0, 0b111, np.where(rng.random(count) < 0.7, 0b001, 0b011))
    children = state(Criterion.CHILDREN, 0.35, 0.35)
    wants = c.wants_children
    c.pref_children[:] = np.where(wants == WANTS_MAYBE, 0, wants)
    c.stated[:] = stated
    c.must[:] = must & stated
    c.age_lo[~(stated & BIT[Criterion.AGE]).astype(bool)] = OPEN_LOW
    c.age_hi[~(stated & BIT[Criterion.AGE]).astype(bool)] = OPEN_HIGH
    no_height = ~(stated & BIT[Criterion.HEIGHT]).astype(bool)
    c.height_lo[no_height] = OPEN_LOW
    c.height_hi[no_height] = OPEN_HIGH
    del children
    ids = [uuid.UUID(bytes=bytes(row)) for row in rng.integers(0, 256, (count, 16), dtype=np.uint8)]
    return Pool(ids, c, vocabulary, latent, taste)


# --- the brute force -----------------------------------------------------------------------------------
@dataclass
class Everyone:
    """Every row's filters and scores for one asker (brute force)."""

    gender_ok: NDArray[np.bool_]
    asker_ok: NDArray[np.bool_]  # the candidate meets the asker's must-haves
    candidate_ok: NDArray[np.bool_]  # the asker meets the candidate's must-haves
    fit_for_asker: NDArray[np.float32]
    fit_for_candidate: NDArray[np.float32]
    for_asker: NDArray[np.float32]
    for_candidate: NDArray[np.float32]
    reciprocal: NDArray[np.float32]


class BruteForce:
    """Filter every row, score every row: the same rules, written directly over the columns."""

    def __init__(self, pool: Pool) -> None:
        self.c = pool.columns
        self.province = pool.vocabulary.provinces_of_regions()[self.c.region]
        self.keys = np.fromiter((stable_key(i) for i in pool.ids), dtype=np.uint64, count=len(pool.ids))
        self.recency = np.array(
            [0.5 ** (d / RECENCY_HALF_LIFE_DAYS) for d in range(RECENCY_HORIZON_DAYS + 1)] + [0.0], dtype=F32
        )
        self.age = (DAY.year - self.c.birth_year.astype(np.int32)).astype(np.int16)

    def _has(self, mask: NDArray[np.uint8], criterion: Criterion) -> NDArray[np.bool_]:
        return np.asarray((mask & np.uint8(BIT[criterion])) != 0, dtype=np.bool_)

    @staticmethod
    def _range(values: NDArray[np.float32] | np.float32, low: object, high: object, slack: float) -> NDArray[F32]:
        distance = np.maximum(np.maximum(low - values, values - high), F32(0))  # type: ignore[operator]
        return np.asarray(np.clip(F32(1) - distance / F32(slack), F32(0), F32(1)), dtype=F32)

    def _education_grade(self, level: NDArray[np.int8] | int, minimum: NDArray[np.int8] | int) -> NDArray[F32]:
        known = np.asarray(level) != EDUCATION_UNKNOWN
        gap = np.asarray(minimum, dtype=np.int16) - np.asarray(level, dtype=np.int16)
        return np.where(known & (gap <= 0), F32(1), np.where(known & (gap == 1), F32(NEAR_GRADE), F32(0)))

    def _children_grade(self, wants: NDArray[np.int8] | int, wish: NDArray[np.int8] | int) -> NDArray[F32]:
        wants, wish = np.asarray(wants), np.asarray(wish)
        known = wants != WANTS_UNKNOWN
        near = (wants == WANTS_MAYBE) | (wish == WANTS_MAYBE)
        return np.where(known & (wants == wish), F32(1), np.where(known & near, F32(NEAR_GRADE), F32(0)))

    def everyone(self, a: int) -> Everyone:
        c, w = self.c, {k: F32(v) for k, v in CRITERION_WEIGHTS.items()}
        g, seek = int(c.gender[a]), int(c.seek[a])
        gender_ok = (c.gender == seek) if seek else np.ones(len(c), dtype=np.bool_)
        gender_ok &= (c.seek == 0) | ((c.seek == g) if g else False)
        # The candidate meets the asker's must-haves, and the asker's nice-to-have grades.
        must, nice = int(c.must[a]), int(c.stated[a]) & ~int(c.must[a])
        asker_ok = gender_ok.copy()
        wanted = np.zeros(len(c), dtype=F32)
        lo, hi = int(c.age_lo[a]), int(c.age_hi[a])
        if must & BIT[Criterion.AGE]:
            asker_ok &= (self.age >= lo) & (self.age <= hi) & (c.birth_year != UNKNOWN_NUMBER)
        if nice & BIT[Criterion.AGE]:
            wanted += w[Criterion.AGE] * self._range(self.age.astype(F32), lo, hi, AGE_SLACK_YEARS)
        lo, hi = int(c.height_lo[a]), int(c.height_hi[a])
        if must & BIT[Criterion.HEIGHT]:
            asker_ok &= (c.height >= lo) & (c.height <= hi)
        if nice & BIT[Criterion.HEIGHT]:
            wanted += w[Criterion.HEIGHT] * self._range(c.height.astype(F32), lo, hi, HEIGHT_SLACK_CM)
        education = self._education_grade(c.education, int(c.min_education[a]))
        if must & BIT[Criterion.EDUCATION]:
            asker_ok &= education == 1
        if nice & BIT[Criterion.EDUCATION]:
            wanted += w[Criterion.EDUCATION] * education
        provinces = [p for p in range(64) if int(c.pref_regions[0, a]) >> p & 1]
        in_region = np.isin(self.province, provinces)
        if must & BIT[Criterion.REGIONS]:
            asker_ok &= in_region
        if nice & BIT[Criterion.REGIONS]:
            wanted += w[Criterion.REGIONS] * in_region
        marital_ok = ((np.uint8(c.pref_marital[a]) >> c.marital.astype(np.uint8)) & 1).astype(bool)
        marital_ok &= c.marital != MARITAL_UNKNOWN
        if must & BIT[Criterion.MARITAL]:
            asker_ok &= marital_ok
        if nice & BIT[Criterion.MARITAL]:
            wanted += w[Criterion.MARITAL] * marital_ok
        children = self._children_grade(c.wants_children, int(c.pref_children[a]))
        if must & BIT[Criterion.CHILDREN]:
            asker_ok &= children == 1
        if nice & BIT[Criterion.CHILDREN]:
            wanted += w[Criterion.CHILDREN] * children
        asker_weight = sum(float(w[x]) for x in Criterion if nice & BIT[x])
        fit_for_asker = wanted / F32(asker_weight) if asker_weight else np.ones(len(c), dtype=F32)
        # The asker meets each candidate's must-haves, and each candidate's nice-to-have grades.
        cmust, cnice = c.must, c.stated & ~c.must
        candidate_ok = np.ones(len(c), dtype=np.bool_)
        offered = np.zeros(len(c), dtype=F32)
        weights = np.zeros(len(c), dtype=F32)
        a_age = int(self.age[a]) if int(c.birth_year[a]) != UNKNOWN_NUMBER else UNKNOWN_NUMBER
        in_age = (c.age_lo <= a_age) & (a_age <= c.age_hi)
        candidate_ok &= ~self._has(cmust, Criterion.AGE) | in_age
        age_grade = self._range(F32(a_age), c.age_lo.astype(F32), c.age_hi.astype(F32), AGE_SLACK_YEARS)
        a_height = int(c.height[a])
        in_height = (c.height_lo <= a_height) & (a_height <= c.height_hi)
        candidate_ok &= ~self._has(cmust, Criterion.HEIGHT) | in_height
        height_grade = self._range(F32(a_height), c.height_lo.astype(F32), c.height_hi.astype(F32), HEIGHT_SLACK_CM)
        education = self._education_grade(int(c.education[a]), c.min_education)
        candidate_ok &= ~self._has(cmust, Criterion.EDUCATION) | (education == 1)
        a_province = int(self.province[a])
        regional = ((c.pref_regions[0] >> np.uint64(a_province)) & np.uint64(1)).astype(bool) & (a_province > 0)
        candidate_ok &= ~self._has(cmust, Criterion.REGIONS) | regional
        a_marital = int(c.marital[a])
        marital = ((c.pref_marital >> np.uint8(min(a_marital, 7))) & 1).astype(bool) & (a_marital != MARITAL_UNKNOWN)
        candidate_ok &= ~self._has(cmust, Criterion.MARITAL) | marital
        children = self._children_grade(int(c.wants_children[a]), c.pref_children)
        candidate_ok &= ~self._has(cmust, Criterion.CHILDREN) | (children == 1)
        grades = {
            Criterion.AGE: age_grade,
            Criterion.HEIGHT: height_grade,
            Criterion.EDUCATION: education,
            Criterion.REGIONS: regional.astype(F32),
            Criterion.MARITAL: marital.astype(F32),
            Criterion.CHILDREN: children,
        }
        for criterion, grade in grades.items():
            nice_here = self._has(cnice, criterion)
            offered += np.where(nice_here, w[criterion] * grade, F32(0))
            weights += np.where(nice_here, w[criterion], F32(0))
        fit_for_candidate = np.where(weights > 0, offered / np.maximum(weights, F32(1e-6)), F32(1))
        # Shared parts and activity.
        mine = np.uint64(c.hobbies[a])
        union = popcount(c.hobbies | mine).astype(F32)
        overlap = popcount(c.hobbies & mine).astype(F32) / np.maximum(union, F32(1))
        personality = personality_table(int(c.personality[a]))[c.personality]
        days = np.clip(DAY.toordinal() - c.last_active.astype(np.int64), 0, RECENCY_HORIZON_DAYS + 1)
        shared = F32(W_HOBBIES) * overlap + F32(W_PERSONALITY) * personality
        for_asker = F32(W_PREFERENCES) * fit_for_asker + shared + F32(W_RECENCY) * self.recency[days]
        for_candidate = F32(W_PREFERENCES) * fit_for_candidate + shared + F32(W_RECENCY) * self.recency[days[a]]
        total = for_asker + for_candidate
        reciprocal = np.where(total > 0, F32(2) * for_asker * for_candidate / np.maximum(total, F32(1e-12)), F32(0))
        return Everyone(
            gender_ok, asker_ok, candidate_ok, fit_for_asker, fit_for_candidate, for_asker, for_candidate, reciprocal
        )

    def top(
        self,
        scores: NDArray[np.float32],
        allowed: NDArray[np.bool_],
        *,
        k: int,
        accept: Callable[[int], bool],
    ) -> list[int]:
        """Rows of the best k allowed scores that `accept` takes; ties by the day's tie-break."""
        ranked = np.where(allowed, scores, F32(-1))
        available = int(allowed.sum())
        head = min(available, 4 * k)
        chosen: list[int] = []
        while head > 0:
            best = np.argpartition(-ranked, head - 1)[:head]
            pool = np.flatnonzero(ranked >= max(float(ranked[best].min()), 0.0))
            pool = pool[allowed[pool]]
            order = pool[np.lexsort((tiebreaks(DAY, self.keys[pool]), -ranked[pool]))]
            chosen = [int(row) for row in order if accept(int(row))][:k]
            if len(chosen) == k or head == available:
                break
            head = min(available, head * 4)
        return chosen

    def suggest(
        self, a: int, excluded_rows: NDArray[np.intp], exposure: Mapping[uuid.UUID, int], ids: list[uuid.UUID]
    ) -> list[tuple[int, float]]:
        """The top-k (row, reciprocal score) for the asker in row `a`."""
        every = self.everyone(a)
        allowed = every.asker_ok & every.candidate_ok
        allowed[excluded_rows] = False
        allowed[a] = False
        rows = self.top(every.reciprocal, allowed, k=K, accept=lambda row: exposure.get(ids[row], 0) < MAX_EXPOSURE)
        return [(row, float(every.reciprocal[row])) for row in rows]


# --- latency, build and memory -------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_size(count: int) -> dict[str, str]:
    started = time.perf_counter()
    pool = synthetic_pool(count, seed=count)
    generated = time.perf_counter() - started
    gc.collect()
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = MatchIndex.from_columns(pool.ids, pool.columns, pool.vocabulary)
    build = time.perf_counter() - started
    gc.collect()
    rss_delta = rss_bytes() - rss_before
    memory = index.memory()
    # A full collection walks every id the index holds (~0.5 s at 1M); a long-lived index belongs in the
    # permanent generation, as docs/matching.md recommends for the bot at start-up.
    gc.freeze()
    brute = BruteForce(pool)
    rng = np.random.default_rng(7)
    askers = rng.choice(count, ASKERS, replace=False)
    row_of = {profile_id: row for row, profile_id in enumerate(pool.ids)}
    shown_rows, shown_times = rng.choice(count, count // 10), rng.integers(1, 7, count // 10)
    exposure = {pool.ids[int(r)]: int(n) for r, n in zip(shown_rows, shown_times, strict=True)}
    inactive = {pool.ids[int(r)] for r in rng.choice(count, 500, replace=False)}
    timings: dict[str, list[float]] = {"index": [], "explained": [], "brute": [], "learned": []}
    population = Tally(3_000, 10_000)
    rarity = index.hobby_rarity()
    agree = near = 0
    for a in askers.tolist():
        excluded = {pool.ids[int(r)] for r in rng.choice(count, 30, replace=False)}
        asker_id = pool.ids[a]
        started = time.perf_counter()
        found = index.suggest(
            asker_id, k=K, excluded=excluded, inactive=inactive, exposure=exposure, max_exposure=MAX_EXPOSURE, day=DAY,
            explain=False,
        )
        timings["index"].append(time.perf_counter() - started)
        started = time.perf_counter()
        index.suggest(
            asker_id, k=K, excluded=excluded, inactive=inactive, exposure=exposure, max_exposure=MAX_EXPOSURE, day=DAY
        )
        timings["explained"].append(time.perf_counter() - started)
        # The chat's path: the head by the stated score, then scored again with learned figures (their reading
        # from the database is not timed here: one query for the head's ids).
        head = index.suggest(
            asker_id, k=head_size(K), excluded=excluded, inactive=inactive, exposure=exposure,
            max_exposure=MAX_EXPOSURE, day=DAY, explain=False,
        )
        figures = {s.candidate_id: learned_figures(s.candidate_id) for s in head}
        figures[asker_id] = learned_figures(asker_id)
        started = time.perf_counter()
        head = index.suggest(
            asker_id, k=head_size(K), excluded=excluded, inactive=inactive, exposure=exposure,
            max_exposure=MAX_EXPOSURE, day=DAY, explain=False,
        )
        profiles = [(s, index.profile(s.candidate_id)) for s in head]
        rerank(
            index.profile(asker_id), profiles, k=K, day=DAY, figures=figures, choices={}, population=population,
            rarity=rarity,
        )
        timings["learned"].append(time.perf_counter() - started)
        started = time.perf_counter()
        off = np.array([row_of[i] for i in excluded | inactive], dtype=np.intp)
        expected = brute.suggest(a, off, exposure, pool.ids)
        timings["brute"].append(time.perf_counter() - started)
        agree += [s.candidate_id for s in found] == [pool.ids[row] for row, _ in expected]
        near += len(found) == len(expected) and all(
            abs(s.score - score) <= 1e-6 for s, (_, score) in zip(found, expected, strict=True)
        )
    add_rate = incremental_rate(index, pool)
    ms = {name: [t * 1000 for t in values] for name, values in timings.items()}
    return {
        "profiles": f"{count:,}",
        "generate s": f"{generated:.1f}",
        "build s": f"{build:.2f}",
        "add / update us": add_rate,
        "index MB (arrays + py)": f"{memory.total / 1e6:.0f} ({memory.arrays / 1e6:.0f} + {memory.python / 1e6:.0f})",
        "RSS delta MB": f"{rss_delta / 1e6:.0f}",
        "p50 ms": f"{percentile(ms['index'], 0.5):.2f}",
        "p99 ms": f"{percentile(ms['index'], 0.99):.2f}",
        "p50 ms + reasons": f"{percentile(ms['explained'], 0.5):.2f}",
        f"learned p50 / p99 ms (head {head_size(K)}, re-ranked)": (
            f"{percentile(ms['learned'], 0.5):.2f} / {percentile(ms['learned'], 0.99):.2f}"
        ),
        "brute p50 ms": f"{percentile(ms['brute'], 0.5):.2f}",
        "brute p99 ms": f"{percentile(ms['brute'], 0.99):.2f}",
        "speed-up p50": f"{percentile(ms['brute'], 0.5) / percentile(ms['index'], 0.5):.1f}x",
        "speed-up p99": f"{percentile(ms['brute'], 0.99) / percentile(ms['index'], 0.99):.1f}x",
        "speed-up worst query": f"{min(b / i for b, i in zip(ms['brute'], ms['index'], strict=True)):.1f}x",
        "queries slower than brute": f"{sum(i > b for b, i in zip(ms['brute'], ms['index'], strict=True))}/{ASKERS}",
        "same top-10 (exact)": f"{agree}/{len(askers)}",
        "same top-10 (+-1e-6)": f"{near}/{len(askers)}",
    }


def learned_figures(profile_id: uuid.UUID) -> Figures:
    """Plausible learned figures for one person, the same on every call (a person with some history)."""
    rng = random.Random(profile_id.int)
    figures = Figures()
    for _ in range(rng.randint(0, 40)):
        seen = (f"hobby:{rng.choice(HOBBIES)}", f"education:{rng.choice(EDUCATION_LEVELS)}")
        figures.said_answer(rng.random() < 0.3, seen)
    figures.got = Tally(rng.randint(0, 10), rng.randint(10, 30))
    return figures


def incremental_rate(index: MatchIndex[uuid.UUID], pool: Pool, rounds: int = 1000) -> str:
    """Microseconds per `add` (a new profile) and per `update` (a changed one), one at a time."""
    profiles = [index.profile(pool.ids[row]) for row in range(rounds)]
    started = time.perf_counter()
    for profile in profiles:
        index.update(dataclasses.replace(profile, height_cm=(profile.height_cm or 170) + 1))
    updated = (time.perf_counter() - started) / rounds
    fresh = [dataclasses.replace(profile, id=uuid.uuid4()) for profile in profiles]
    started = time.perf_counter()
    for profile in fresh:
        index.add(profile)
    added = (time.perf_counter() - started) / rounds
    for profile in fresh:
        index.remove(profile.id)
    return f"{added * 1e6:.0f} / {updated * 1e6:.0f}"


# --- quality: reciprocal against one-sided ranking -----------------------------------------------------
def sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    return 1 / (1 + np.exp(-x))


HIDDEN_MODELS = ("A", "B")


def acceptance(pool: Pool, every: Everyone, a: int, rows: NDArray[np.intp], brute: BruteForce) -> list[float]:
    """Expected (mutual, asker accepts, candidate accepts) rates of the suggested rows, under each hidden model.

    X accepts Y with probability sigmoid(2.5 * cos(taste of X, traits of Y) + 2 * fit of Y to X's stated
    nice-to-haves - 2.5), and never when Y misses one of X's must-haves. Hobbies and personality are drawn
    from the hidden traits, so the engine sees the taste only through them. The second model also multiplies
    by X's activity (the recency of X's last visit: people who stopped coming do not answer).
    """
    if len(rows) == 0:
        return [0.0] * 3 * len(HIDDEN_MODELS)
    c = pool.columns
    days = np.clip(DAY.toordinal() - c.last_active.astype(np.int64), 0, RECENCY_HORIZON_DAYS + 1)
    activity = brute.recency[days].astype(np.float64)
    taste_a = pool.taste[a] / np.linalg.norm(pool.taste[a])
    taste_b = pool.taste[rows] / np.linalg.norm(pool.taste[rows], axis=1, keepdims=True)
    p_asker = every.asker_ok[rows] * sigmoid(
        2.5 * (taste_a @ pool.latent[rows].T) + 2 * every.fit_for_asker[rows].astype(np.float64) - 2.5
    )
    p_candidate = every.candidate_ok[rows] * sigmoid(
        2.5 * (taste_b @ pool.latent[a]) + 2 * every.fit_for_candidate[rows].astype(np.float64) - 2.5
    )
    figures: list[float] = []
    for asker_factor, candidate_factor in ((1.0, 1.0), (activity[a], activity[rows])):
        x, y = p_asker * asker_factor, p_candidate * candidate_factor
        figures += [float(np.mean(x * y)), float(np.mean(x)), float(np.mean(y))]
    return figures


def quality(count: int, askers: int) -> dict[str, list[float]]:
    pool = synthetic_pool(count, seed=99)
    brute = BruteForce(pool)
    rng = np.random.default_rng(11)
    names = (
        "reciprocal (harmonic mean), filters both ways",
        "one-sided (asker's score), filters both ways",
        "one-sided (asker's score), asker's filters only",
        "random, filters both ways",
    )
    results: dict[str, list[list[float]]] = {name: [] for name in names}
    for a in rng.choice(count, askers, replace=False).tolist():
        every = brute.everyone(a)
        both = every.asker_ok & every.candidate_ok
        both[a] = False
        mine = every.asker_ok.copy()
        mine[a] = False
        for name, scores, allowed in (
            (names[0], every.reciprocal, both),
            (names[1], every.for_asker, both),
            (names[2], every.for_asker, mine),
            (names[3], rng.random(count).astype(F32), both),
        ):
            rows = np.array(brute.top(scores, allowed, k=K, accept=lambda row: True), dtype=np.intp)
            results[name].append(acceptance(pool, every, a, rows, brute))
    return {name: [float(np.mean(column)) for column in zip(*values, strict=True)] for name, values in results.items()}


def table(rows: list[dict[str, str]]) -> str:
    keys = list(rows[0])
    widths = [max(len(key), *(len(row[key]) for row in rows)) for key in keys]
    lines = [" | ".join(key.rjust(width) for key, width in zip(keys, widths, strict=True))]
    lines.append("-+-".join("-" * width for width in widths))
    lines += [" | ".join(row[key].rjust(width) for key, width in zip(keys, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--quality-size", type=int, default=20_000)
    arguments = parser.parse_args()
    started = time.perf_counter()
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, one thread; day {DAY}, top-{K}, "
          f"{ASKERS} askers, exposure cap {MAX_EXPOSURE}/day")
    rows = []
    for count in arguments.sizes:
        rows.append(run_size(count))
        gc.unfreeze()
        gc.collect()
    transposed = [{"": key, **{row["profiles"]: row[key] for row in rows}} for key in rows[0] if key != "profiles"]
    print("\nLatency, build and memory (index vs NumPy brute force, same data, same run)")
    print(table(transposed))
    print(
        f"\nQuality: expected acceptance of the top-{K} (mutual = both say yes), {arguments.quality_size:,} people "
        f"with hidden tastes, {QUALITY_ASKERS} askers.\nHidden model A: acceptance from hidden taste and the stated "
        f"nice-to-haves, never past a must-have. B: A times the decider's activity (recency of the last visit)."
    )
    figures = quality(arguments.quality_size, QUALITY_ASKERS)
    reciprocal = next(iter(figures.values()))
    quality_rows = []
    for name, values in figures.items():
        row = {"ranking": name}
        for m, model in enumerate(HIDDEN_MODELS):
            mutual, asker, candidate = values[3 * m : 3 * m + 3]
            row[f"{model}: mutual"] = f"{mutual:.3f} ({mutual / reciprocal[3 * m] - 1:+.0%})"
            row[f"{model}: asker / candidate accept"] = f"{asker:.3f} / {candidate:.3f}"
        quality_rows.append(row)
    print(table(quality_rows))
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
