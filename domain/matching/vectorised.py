"""The filters of `filters.py` and the scores of `scoring.py`, for one asker against a whole table at once.

Two passes over a `SlotTable`:
1. Hard filters both ways as boolean masks over the contiguous columns: the candidate's must-haves against the
   asker's facts (pre-widened ranges, one categorical bit test, one region bit test), then the asker's
   must-haves against the candidates (only those the asker has). Excluded slots are switched off.
2. Only the survivors are gathered and scored: lookup tables built per asker turn the categorical and
   personality comparisons into one indexed read each.
The numbers are those of the pure-Python functions (in float32); the tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray

from domain.matching.columns import (
    BIT,
    CATEGORICAL,
    CATEGORY_CODES,
    EDUCATION_UNKNOWN,
    INT16_MAX,
    INT16_MIN,
    MARITAL_UNKNOWN,
    UNKNOWN_NUMBER,
    WANTS_UNKNOWN,
    WISH_CODES,
    DerivedColumns,
    ProfileColumns,
    category_code,
    wish_code,
)
from domain.matching.criteria import AGE_SLACK_YEARS, HEIGHT_SLACK_CM, children_grade, education_grade
from domain.matching.model import (
    EDUCATION_LEVELS,
    MARITAL_HISTORIES,
    PERSONALITY,
    WANTS_CHILDREN,
    Criterion,
    K,
)
from domain.matching.personality import NEUTRAL, TABLE
from domain.matching.scoring import (
    CRITERION_WEIGHTS,
    RECENCY_HALF_LIFE_DAYS,
    RECENCY_HORIZON_DAYS,
    W_HOBBIES,
    W_PERSONALITY,
    W_PREFERENCES,
    W_RECENCY,
)
from domain.matching.slots import SlotTable

F32 = np.float32
FloatArray = NDArray[np.float32]
# Up to this many provinces a region must-have is tested with comparisons, beyond it with a lookup table.
REGION_COMPARISONS = 8

_W = {c: F32(w) for c, w in CRITERION_WEIGHTS.items()}


def popcount(values: NDArray[np.uint64]) -> NDArray[np.uint8]:
    """Set bits per element (NumPy >= 2 has it built in; older NumPy counts bytes through a table)."""
    if hasattr(np, "bitwise_count"):
        counted: NDArray[np.uint8] = np.bitwise_count(values)
        return counted
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    as_bytes = values.reshape(-1, 1).view(np.uint8)
    return np.asarray(table[as_bytes].sum(axis=1, dtype=np.uint8), dtype=np.uint8)


RECENCY: FloatArray = np.array(
    [0.5 ** (d / RECENCY_HALF_LIFE_DAYS) for d in range(RECENCY_HORIZON_DAYS + 1)] + [0.0], dtype=F32
)


def recency_of(last_active: NDArray[np.int32], day: date) -> FloatArray:
    """`scoring.recency` of day ordinals (0: unknown, which lies beyond the horizon)."""
    days = np.subtract(np.int32(day.toordinal()), last_active, dtype=np.int32)
    np.clip(days, 0, RECENCY_HORIZON_DAYS + 1, out=days)
    return RECENCY.take(days)


_PERSONALITY_BITS = ((np.arange(1 << len(PERSONALITY))[:, None] >> np.arange(len(PERSONALITY))) & 1).astype(
    np.float64
)
_PERSONALITY_TABLE = np.array(TABLE, dtype=np.float64)


@lru_cache(maxsize=512)  # 16 KB each; askers pick at most three of twelve codes (299 sets)
def personality_table(asker_bits: int) -> FloatArray:
    """Compatibility of the asker with every possible set of personality codes (indexed by bit set)."""
    mine = [i for i in range(len(PERSONALITY)) if asker_bits >> i & 1]
    if not mine:
        return np.full(1 << len(PERSONALITY), NEUTRAL, dtype=F32)
    row = _PERSONALITY_TABLE[mine].mean(axis=0)
    counts = _PERSONALITY_BITS.sum(axis=1)
    sums = _PERSONALITY_BITS @ row
    values = np.where(counts > 0, sums / np.maximum(counts, 1), NEUTRAL)
    return values.astype(F32)


def _code_or_none(index: int, codes: tuple[str, ...]) -> str | None:
    return codes[index] if 0 <= index < len(codes) else None


@cache
def category_table(nice: int, min_education: int, pref_marital: int, pref_children: int) -> FloatArray:
    """The asker's weighted grades for every candidate category code (education, marital, children)."""
    values = np.zeros(CATEGORY_CODES, dtype=np.float64)
    for education in range(EDUCATION_UNKNOWN + 1):
        for marital in range(MARITAL_UNKNOWN + 1):
            for wants in range(WANTS_UNKNOWN + 1):
                total = 0.0
                if nice & BIT[Criterion.EDUCATION]:
                    level = _code_or_none(education, EDUCATION_LEVELS)
                    grade = education_grade(level, EDUCATION_LEVELS[min_education])
                    total += CRITERION_WEIGHTS[Criterion.EDUCATION] * grade
                if nice & BIT[Criterion.MARITAL]:
                    total += CRITERION_WEIGHTS[Criterion.MARITAL] * float(bool(pref_marital >> marital & 1))
                if nice & BIT[Criterion.CHILDREN]:
                    grade = children_grade(_code_or_none(wants, WANTS_CHILDREN), WANTS_CHILDREN[pref_children])
                    total += CRITERION_WEIGHTS[Criterion.CHILDREN] * grade
                values[category_code(education, marital, wants)] = total
    return values.astype(F32)


@cache
def wish_table(education: int, marital: int, wants: int) -> FloatArray:
    """How the asker's categorical facts meet every possible set of categorical nice-to-haves (by wish code)."""
    values = np.zeros(WISH_CODES, dtype=np.float64)
    level = _code_or_none(education, EDUCATION_LEVELS)
    wanted = _code_or_none(wants, WANTS_CHILDREN)
    for minimum in range(len(EDUCATION_LEVELS) + 1):
        for mask in range(1 << len(MARITAL_HISTORIES)):
            for children in range(len(WANTS_CHILDREN) + 1):
                total = 0.0
                if minimum:
                    grade = education_grade(level, EDUCATION_LEVELS[minimum - 1])
                    total += CRITERION_WEIGHTS[Criterion.EDUCATION] * grade
                if mask:
                    hit = marital < len(MARITAL_HISTORIES) and bool(mask >> marital & 1)
                    total += CRITERION_WEIGHTS[Criterion.MARITAL] * float(hit)
                if children:
                    grade = children_grade(wanted, WANTS_CHILDREN[children - 1])
                    total += CRITERION_WEIGHTS[Criterion.CHILDREN] * grade
                values[wish_code(minimum, mask, children)] = total
    return values.astype(F32)


@dataclass(frozen=True)
class Asker:
    """The asker's row as plain integers, read once per query."""

    gender: int
    seek: int
    age: int
    height: int
    education: int
    marital: int
    wants: int
    province: int
    hobbies: int
    personality: int
    last_active: int
    attr: int
    accept: int
    stated: int
    must: int
    nice: int
    age_lo: int
    age_hi: int
    height_lo: int
    height_hi: int
    min_education: int
    pref_marital: int
    pref_children: int
    provinces: tuple[int, ...]
    nice_weight: float

    @classmethod
    def of(cls, raw: ProfileColumns, derived: DerivedColumns, day: date) -> Asker:
        """Row 0 of a one-row `raw`/`derived` pair."""

        def at(column: NDArray[np.generic]) -> int:
            return int(column[..., 0])

        birth_year = at(raw.birth_year)
        bits = 0
        for word in range(raw.pref_regions.shape[0]):
            bits |= int(raw.pref_regions[word, 0]) << (64 * word)
        provinces = tuple(p for p in range(bits.bit_length()) if bits >> p & 1)
        return cls(
            gender=at(raw.gender),
            seek=at(raw.seek),
            age=UNKNOWN_NUMBER if birth_year == UNKNOWN_NUMBER else day.year - birth_year,
            height=at(raw.height),
            education=at(raw.education),
            marital=at(raw.marital),
            wants=at(raw.wants_children),
            province=at(derived.province),
            hobbies=at(raw.hobbies),
            personality=at(raw.personality),
            last_active=at(raw.last_active),
            attr=at(derived.attr),
            accept=at(derived.accept),
            stated=at(raw.stated),
            must=at(raw.must),
            nice=at(derived.nice),
            age_lo=at(raw.age_lo),
            age_hi=at(raw.age_hi),
            height_lo=at(raw.height_lo),
            height_hi=at(raw.height_hi),
            min_education=at(raw.min_education),
            pref_marital=at(raw.pref_marital),
            pref_children=at(raw.pref_children),
            provinces=provinces,
            nice_weight=float(derived.nice_weight[0]),
        )

    def binds(self, criterion: Criterion) -> bool:
        return bool(self.must & BIT[criterion])

    def wishes(self, criterion: Criterion) -> bool:
        return bool(self.nice & BIT[criterion])


@dataclass(frozen=True)
class Scored:
    """The survivors of one table: their slots and their three scores."""

    slots: NDArray[np.intp]
    score: FloatArray
    for_asker: FloatArray
    for_candidate: FloatArray


def _int16(value: int) -> int:
    return min(max(value, INT16_MIN), INT16_MAX)


def survivors(
    table: SlotTable[K], asker: Asker, day: date, switched_off: NDArray[np.intp]
) -> NDArray[np.intp]:
    """Slots of `table` that pass the hard filters both ways (gender is settled by the table's partition)."""
    n = table.high
    raw, derived = table.raw, table.derived
    mask = table.alive[:n].copy()
    # The asker meets each candidate's must-haves.
    mask &= derived.hard_age_lo[:n] <= asker.age
    mask &= derived.hard_age_hi[:n] >= asker.age
    mask &= derived.hard_height_lo[:n] <= asker.height
    mask &= derived.hard_height_hi[:n] >= asker.height
    attr = np.uint16(asker.attr)
    mask &= (derived.accept[:n] & attr) == attr
    word, bit = divmod(asker.province, 64)
    mask &= (derived.hard_regions[word, :n] & np.uint64(1 << bit)) != 0
    # Each candidate meets the asker's must-haves.
    if asker.binds(Criterion.AGE):
        mask &= raw.birth_year[:n] >= _int16(day.year - asker.age_hi)
        mask &= raw.birth_year[:n] <= _int16(day.year - asker.age_lo)
    if asker.binds(Criterion.HEIGHT):
        mask &= raw.height[:n] >= asker.height_lo
        mask &= raw.height[:n] <= asker.height_hi
    if asker.must & CATEGORICAL:
        rejected = np.uint16(~asker.accept & 0xFFFF)
        mask &= (derived.attr[:n] & rejected) == 0
    if asker.binds(Criterion.REGIONS):
        province = derived.province[:n]
        if len(asker.provinces) <= REGION_COMPARISONS:
            inside = np.zeros(n, dtype=np.bool_)
            for wanted in asker.provinces:
                inside |= province == wanted
        else:
            lookup = np.zeros(int(province.max(initial=0)) + 1, dtype=np.bool_)
            lookup[[p for p in asker.provinces if p < len(lookup)]] = True
            inside = lookup[province]
        mask &= inside
    mask[switched_off[switched_off < n]] = False
    found: NDArray[np.intp] = np.flatnonzero(mask)
    return found


def _range_grade(
    values: FloatArray | np.float32, low: FloatArray | float, high: FloatArray | float, slack: float
) -> FloatArray:
    """`criteria.range_grade` over arrays (unknown values are far outside every range, so they grade 0)."""
    distance = np.maximum(low - values, values - high)
    np.maximum(distance, F32(0), out=distance)
    np.multiply(distance, F32(-1 / slack), out=distance)
    np.add(distance, F32(1), out=distance)
    np.maximum(distance, F32(0), out=distance)
    return distance


def _region_table(asker: Asker, provinces: int) -> FloatArray:
    table = np.zeros(max(provinces, 1), dtype=F32)
    table[[p for p in asker.provinces if p < len(table)]] = _W[Criterion.REGIONS]
    return table


def score(table: SlotTable[K], asker: Asker, day: date, slots: NDArray[np.intp], provinces: int) -> Scored:
    """The two one-way scores and the reciprocal score of the candidates in `slots`."""
    raw, derived = table.raw, table.derived
    count = len(slots)
    # How well each candidate suits the asker: the asker's nice-to-haves.
    wanted = np.zeros(count, dtype=F32)
    if asker.wishes(Criterion.AGE):
        ages = F32(day.year) - raw.birth_year.take(slots).astype(F32)
        grades = _range_grade(ages, asker.age_lo, asker.age_hi, AGE_SLACK_YEARS)
        wanted += _W[Criterion.AGE] * grades
    if asker.wishes(Criterion.HEIGHT):
        grades = _range_grade(raw.height.take(slots).astype(F32), asker.height_lo, asker.height_hi, HEIGHT_SLACK_CM)
        wanted += _W[Criterion.HEIGHT] * grades
    if asker.nice & CATEGORICAL:
        lookup = category_table(asker.nice & CATEGORICAL, asker.min_education, asker.pref_marital, asker.pref_children)
        wanted += lookup.take(derived.category.take(slots))
    if asker.wishes(Criterion.REGIONS):
        wanted += _region_table(asker, provinces).take(derived.province.take(slots))
    if asker.nice_weight > 0:
        wanted /= F32(asker.nice_weight)
    else:
        wanted.fill(F32(1))
    # How well the asker suits each candidate: the candidates' nice-to-haves.
    nice = derived.nice.take(slots)
    offered = wish_table(asker.education, asker.marital, asker.wants).take(derived.wish.take(slots))
    for criterion, low, high, value, slack in (
        (Criterion.AGE, raw.age_lo, raw.age_hi, asker.age, AGE_SLACK_YEARS),
        (Criterion.HEIGHT, raw.height_lo, raw.height_hi, asker.height, HEIGHT_SLACK_CM),
    ):
        wishing = (nice & np.uint8(BIT[criterion])) != 0
        if wishing.any():
            grades = _range_grade(F32(value), low.take(slots).astype(F32), high.take(slots).astype(F32), slack)
            grades *= wishing
            grades *= _W[criterion]
            offered += grades
    word, bit = divmod(asker.province, 64)
    hits = (raw.pref_regions[word].take(slots) & np.uint64(1 << bit)) != 0
    hits &= (nice & np.uint8(BIT[Criterion.REGIONS])) != 0
    offered += hits * _W[Criterion.REGIONS]
    weights = derived.nice_weight.take(slots)
    unwished = weights == 0
    weights[unwished] = F32(1)
    offered /= weights
    offered[unwished] = F32(1)
    # Shared: hobbies and personality; each side's activity counts for the other.
    hobbies = raw.hobbies.take(slots)
    mine = np.uint64(asker.hobbies)
    union = popcount(hobbies | mine).astype(F32)
    np.maximum(union, F32(1), out=union)
    shared = popcount(hobbies & mine).astype(F32)
    shared /= union
    shared *= F32(W_HOBBIES)
    shared += F32(W_PERSONALITY) * personality_table(asker.personality).take(raw.personality.take(slots))
    asker_recency = recency_of(np.array([asker.last_active], dtype=np.int32), day)[0]
    for_asker = F32(W_PREFERENCES) * wanted
    for_asker += shared
    for_asker += F32(W_RECENCY) * recency_of(raw.last_active.take(slots), day)
    for_candidate = F32(W_PREFERENCES) * offered
    for_candidate += shared
    for_candidate += F32(W_RECENCY) * asker_recency
    total = for_asker + for_candidate
    np.maximum(total, F32(1e-12), out=total)
    reciprocal = np.multiply(for_asker, F32(2))
    reciprocal *= for_candidate
    reciprocal /= total
    return Scored(slots, reciprocal, for_asker, for_candidate)
