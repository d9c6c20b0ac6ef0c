"""Profiles as columns of small integers: the encoding the index stores and queries.

`ProfileColumns` is the public, documented form (what `MatchIndex.from_columns` loads in bulk, and what the
benchmark generates): one NumPy array per fact or preference, one row per profile. `DerivedColumns` are
computed from it once per row, so a query compares each candidate with a handful of vectorised operations:
ranges that do not bind are widened to the whole int16 range, categorical must-haves become one bit mask,
the nice-to-haves become one small code for a lookup table.

Encoding (unknown facts never meet a must-have):

| column | dtype | values |
| --- | --- | --- |
| gender, seek | int8 | 0 unknown (seek: anyone), 1 male, 2 female |
| birth_year, height | int16 | the value; `UNKNOWN_NUMBER` when unknown |
| education | int8 | index in EDUCATION_LEVELS; `EDUCATION_UNKNOWN` |
| region | int16 | id in the `RegionVocabulary` (0: unknown) |
| marital | int8 | index in MARITAL_HISTORIES; `MARITAL_UNKNOWN` |
| has_children | int8 | 0 no, 1 yes, 2 unknown |
| wants_children | int8 | index in WANTS_CHILDREN; `WANTS_UNKNOWN` |
| hobbies | uint64 | bit i: HOBBIES[i] |
| personality | uint16 | bit i: PERSONALITY[i] |
| last_active | int32 | `date.toordinal()`; 0 unknown |
| age_lo, age_hi, height_lo, height_hi | int16 | preferred range; an open side is `OPEN_LOW`/`OPEN_HIGH` |
| min_education, pref_children | int8 | index of the preferred code (0 when not stated) |
| pref_marital | uint8 | bit i: MARITAL_HISTORIES[i] |
| pref_regions | uint64, shape (words, n) | bit p: province id p of the vocabulary |
| stated, must | uint8 | bit i: CRITERIA[i] is stated / a must-have (must is a subset of stated) |
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from domain.matching.model import (
    EDUCATION_LEVELS,
    GENDERS,
    HOBBIES,
    MARITAL_HISTORIES,
    PERSONALITY,
    WANTS_CHILDREN,
    Criterion,
    K,
    MatchPreferences,
    MatchProfile,
    province_of,
)
from domain.matching.scoring import CRITERION_WEIGHTS

assert len(HOBBIES) <= 64 and len(PERSONALITY) <= 16

INT16_MIN, INT16_MAX = -32768, 32767
UNKNOWN_NUMBER = 30000
OPEN_LOW, OPEN_HIGH = -10000, 10000
EDUCATION_UNKNOWN = len(EDUCATION_LEVELS)
MARITAL_UNKNOWN = len(MARITAL_HISTORIES)
WANTS_UNKNOWN = len(WANTS_CHILDREN)
HAS_CHILDREN_UNKNOWN = 2
ALL_WORD_BITS = (1 << 64) - 1

BIT = {c: 1 << i for i, c in enumerate(Criterion)}
CATEGORICAL = BIT[Criterion.EDUCATION] | BIT[Criterion.MARITAL] | BIT[Criterion.CHILDREN]

# The categorical facts of a person as one bit mask (`attr`), and what a person accepts as another (`accept`):
# education levels in bits 0-5, marital history in bits 6-9, wish for children in bits 10-13 (unknown last).
MARITAL_SHIFT, WANTS_SHIFT = 6, 10
EDUCATION_ALL = (1 << (EDUCATION_UNKNOWN + 1)) - 1
MARITAL_ALL = ((1 << (MARITAL_UNKNOWN + 1)) - 1) << MARITAL_SHIFT
WANTS_ALL = ((1 << (WANTS_UNKNOWN + 1)) - 1) << WANTS_SHIFT


def category_code(education: int, marital: int, wants: int) -> int:
    """The person's three categorical facts as one small code (< 96), for the asker's lookup table."""
    return (education * (MARITAL_UNKNOWN + 1) + marital) * (WANTS_UNKNOWN + 1) + wants


CATEGORY_CODES = category_code(EDUCATION_UNKNOWN, MARITAL_UNKNOWN, WANTS_UNKNOWN) + 1
# The categorical nice-to-haves of a person as one small code (< 192): minimum education (+1, 0: none),
# marital mask (0: none), wish for children (+1, 0: none).
WISH_CODES = (len(EDUCATION_LEVELS) + 1) * (1 << len(MARITAL_HISTORIES)) * (len(WANTS_CHILDREN) + 1)


def wish_code(min_education: int, marital_mask: int, children: int) -> int:
    return (min_education * (1 << len(MARITAL_HISTORIES)) + marital_mask) * (len(WANTS_CHILDREN) + 1) + children


class RegionVocabulary:
    """Region codes and their provinces as small ids (0 is "unknown" in both); grows as codes arrive."""

    def __init__(self) -> None:
        self.region_codes: list[str | None] = [None]
        self.province_codes: list[str | None] = [None]
        self.region_province: list[int] = [0]
        self._regions: dict[str, int] = {}
        self._provinces: dict[str, int] = {}

    def region_id(self, code: str | None) -> int:
        if code is None:
            return 0
        found = self._regions.get(code)
        if found is None:
            found = self._regions[code] = len(self.region_codes)
            self.region_codes.append(code)
            self.region_province.append(self.province_id(code))
        return found

    def province_id(self, code: str) -> int:
        province = province_of(code)
        found = self._provinces.get(province)
        if found is None:
            found = self._provinces[province] = len(self.province_codes)
            self.province_codes.append(province)
        return found

    @property
    def words(self) -> int:
        """uint64 words a province bit set needs."""
        return (len(self.province_codes) + 63) // 64

    def provinces_of_regions(self) -> NDArray[np.int16]:
        return np.array(self.region_province, dtype=np.int16)


@dataclass
class ProfileColumns:
    """The profiles' facts and preferences, one array per column (see the module docstring)."""

    gender: NDArray[np.int8]
    birth_year: NDArray[np.int16]
    height: NDArray[np.int16]
    education: NDArray[np.int8]
    region: NDArray[np.int16]
    marital: NDArray[np.int8]
    has_children: NDArray[np.int8]
    wants_children: NDArray[np.int8]
    hobbies: NDArray[np.uint64]
    personality: NDArray[np.uint16]
    last_active: NDArray[np.int32]
    seek: NDArray[np.int8]
    age_lo: NDArray[np.int16]
    age_hi: NDArray[np.int16]
    height_lo: NDArray[np.int16]
    height_hi: NDArray[np.int16]
    min_education: NDArray[np.int8]
    pref_marital: NDArray[np.uint8]
    pref_children: NDArray[np.int8]
    pref_regions: NDArray[np.uint64]
    stated: NDArray[np.uint8]
    must: NDArray[np.uint8]

    def __len__(self) -> int:
        return len(self.gender)

    @classmethod
    def empty(cls, count: int, words: int = 1) -> ProfileColumns:
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            shape = (words, count) if item.name == "pref_regions" else (count,)
            values[item.name] = np.zeros(shape, dtype=_DTYPES[item.name])
        return cls(**values)

    def rows(self, index: NDArray[np.intp] | slice) -> ProfileColumns:
        """A copy of some rows."""
        values = {
            item.name: np.array(getattr(self, item.name)[..., index]) for item in dataclasses.fields(self)
        }
        return ProfileColumns(**values)

    def checked(self) -> ProfileColumns:
        """The same columns in their dtypes, with `must` limited to stated criteria; raises on bad shapes."""
        count = len(self.gender)
        values: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            array = np.asarray(getattr(self, item.name), dtype=_DTYPES[item.name])
            if item.name == "pref_regions":
                array = array.reshape(-1, count) if array.ndim == 1 else array
            if array.shape[-1] != count:
                raise ValueError(f"column {item.name} has {array.shape[-1]} rows, expected {count}")
            values[item.name] = array
        values["must"] = values["must"] & values["stated"]
        for name, highest in _CODE_LIMITS.items():
            column = values[name]
            if count and (int(column.min()) < 0 or int(column.max()) > highest):
                raise ValueError(f"column {name} holds codes outside 0..{highest}")
        return ProfileColumns(**values)

    def padded(self, words: int) -> ProfileColumns:
        """The same rows with region bit sets `words` wide (more provinces than when they were encoded)."""
        extra = words - self.pref_regions.shape[0]
        if extra <= 0:
            return self
        wider = np.vstack([self.pref_regions, np.zeros((extra, len(self)), dtype=np.uint64)])
        return dataclasses.replace(self, pref_regions=wider)


_CODE_LIMITS = {
    "gender": len(GENDERS),
    "seek": len(GENDERS),
    "education": EDUCATION_UNKNOWN,
    "marital": MARITAL_UNKNOWN,
    "wants_children": WANTS_UNKNOWN,
    "has_children": HAS_CHILDREN_UNKNOWN,
    "min_education": len(EDUCATION_LEVELS) - 1,
    "pref_children": len(WANTS_CHILDREN) - 1,
    "pref_marital": (1 << len(MARITAL_HISTORIES)) - 1,
    "stated": (1 << len(Criterion)) - 1,
    "hobbies": (1 << len(HOBBIES)) - 1,
    "personality": (1 << len(PERSONALITY)) - 1,
}


_DTYPES: dict[str, type[np.generic]] = {
    "gender": np.int8,
    "birth_year": np.int16,
    "height": np.int16,
    "education": np.int8,
    "region": np.int16,
    "marital": np.int8,
    "has_children": np.int8,
    "wants_children": np.int8,
    "hobbies": np.uint64,
    "personality": np.uint16,
    "last_active": np.int32,
    "seek": np.int8,
    "age_lo": np.int16,
    "age_hi": np.int16,
    "height_lo": np.int16,
    "height_hi": np.int16,
    "min_education": np.int8,
    "pref_marital": np.uint8,
    "pref_children": np.int8,
    "pref_regions": np.uint64,
    "stated": np.uint8,
    "must": np.uint8,
}


@dataclass
class DerivedColumns:
    """Computed from `ProfileColumns` row by row (`derive`); what the vectorised filters and scores read."""

    province: NDArray[np.int16]
    category: NDArray[np.uint8]
    attr: NDArray[np.uint16]
    accept: NDArray[np.uint16]
    hard_age_lo: NDArray[np.int16]
    hard_age_hi: NDArray[np.int16]
    hard_height_lo: NDArray[np.int16]
    hard_height_hi: NDArray[np.int16]
    hard_regions: NDArray[np.uint64]
    nice: NDArray[np.uint8]
    wish: NDArray[np.uint8]
    nice_weight: NDArray[np.float32]

    def rows(self, index: NDArray[np.intp] | slice) -> DerivedColumns:
        """A copy of some rows."""
        values = {
            item.name: np.array(getattr(self, item.name)[..., index]) for item in dataclasses.fields(self)
        }
        return DerivedColumns(**values)

    @classmethod
    def empty(cls, count: int, words: int = 1) -> DerivedColumns:
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            shape = (words, count) if item.name == "hard_regions" else (count,)
            values[item.name] = np.zeros(shape, dtype=_DERIVED_DTYPES[item.name])
        return cls(**values)


_DERIVED_DTYPES: dict[str, type[np.generic]] = {
    "province": np.int16,
    "category": np.uint8,
    "attr": np.uint16,
    "accept": np.uint16,
    "hard_age_lo": np.int16,
    "hard_age_hi": np.int16,
    "hard_height_lo": np.int16,
    "hard_height_hi": np.int16,
    "hard_regions": np.uint64,
    "nice": np.uint8,
    "wish": np.uint8,
    "nice_weight": np.float32,
}


def _flag(mask: NDArray[np.uint8], criterion: Criterion) -> NDArray[np.bool_]:
    flags: NDArray[np.bool_] = (mask & np.uint8(BIT[criterion])) != 0
    return flags


def derive(raw: ProfileColumns, provinces_of_regions: NDArray[np.int16]) -> DerivedColumns:
    """The derived columns of every row of `raw` (vectorised: as cheap for one row as needed for a million)."""
    must, stated = raw.must, raw.stated
    nice = stated & ~must
    education = raw.education.astype(np.uint16)
    marital = raw.marital.astype(np.uint16)
    wants = raw.wants_children.astype(np.uint16)
    one = np.uint16(1)
    attr = (one << education) | (one << (marital + MARITAL_SHIFT)) | (one << (wants + WANTS_SHIFT))
    minimum = raw.min_education.astype(np.uint16)
    levels_from_minimum = (np.uint16((1 << len(EDUCATION_LEVELS)) - 1) >> minimum) << minimum
    accept = (
        np.where(_flag(must, Criterion.EDUCATION), levels_from_minimum, np.uint16(EDUCATION_ALL))
        | np.where(
            _flag(must, Criterion.MARITAL),
            raw.pref_marital.astype(np.uint16) << np.uint16(MARITAL_SHIFT),
            np.uint16(MARITAL_ALL),
        )
        | np.where(
            _flag(must, Criterion.CHILDREN),
            one << (raw.pref_children.astype(np.uint16) + WANTS_SHIFT),
            np.uint16(WANTS_ALL),
        )
    ).astype(np.uint16)
    category = (
        (raw.education.astype(np.uint8) * (MARITAL_UNKNOWN + 1) + raw.marital.astype(np.uint8))
        * (WANTS_UNKNOWN + 1)
        + raw.wants_children.astype(np.uint8)
    ).astype(np.uint8)
    wish = (
        (
            np.where(_flag(nice, Criterion.EDUCATION), raw.min_education.astype(np.uint8) + 1, 0)
            * (1 << len(MARITAL_HISTORIES))
            + np.where(_flag(nice, Criterion.MARITAL), raw.pref_marital, 0)
        )
        * (len(WANTS_CHILDREN) + 1)
        + np.where(_flag(nice, Criterion.CHILDREN), raw.pref_children.astype(np.uint8) + 1, 0)
    ).astype(np.uint8)
    nice_weight = np.zeros(len(raw), dtype=np.float32)
    for criterion in Criterion:
        nice_weight += np.float32(CRITERION_WEIGHTS[criterion]) * _flag(nice, criterion)
    must_age, must_height = _flag(must, Criterion.AGE), _flag(must, Criterion.HEIGHT)
    return DerivedColumns(
        province=provinces_of_regions[raw.region],
        category=category,
        attr=attr.astype(np.uint16),
        accept=accept,
        hard_age_lo=np.where(must_age, raw.age_lo, INT16_MIN).astype(np.int16),
        hard_age_hi=np.where(must_age, raw.age_hi, INT16_MAX).astype(np.int16),
        hard_height_lo=np.where(must_height, raw.height_lo, INT16_MIN).astype(np.int16),
        hard_height_hi=np.where(must_height, raw.height_hi, INT16_MAX).astype(np.int16),
        hard_regions=np.where(
            _flag(must, Criterion.REGIONS), raw.pref_regions, np.uint64(ALL_WORD_BITS)
        ).astype(np.uint64),
        nice=nice,
        wish=wish,
        nice_weight=nice_weight,
    )


# --- one profile <-> one row -------------------------------------------------------------------------
def _index(code: str | None, codes: tuple[str, ...], unknown: int) -> int:
    return codes.index(code) if code in codes else unknown


def _bits(codes: frozenset[str], vocabulary: tuple[str, ...]) -> int:
    return sum(1 << i for i, code in enumerate(vocabulary) if code in codes)


def _number(value: int | None) -> int:
    return UNKNOWN_NUMBER if value is None else min(max(value, OPEN_LOW), OPEN_HIGH)


def _bound(value: int | None, open_side: int) -> int:
    return open_side if value is None else min(max(value, OPEN_LOW), OPEN_HIGH)


def _criteria_bits(preferences: MatchPreferences) -> tuple[int, int]:
    stated = sum(BIT[c] for c in Criterion if preferences.states(c))
    must = sum(BIT[c] for c in Criterion if preferences.requires(c))
    return stated, must


def encode(profiles: Sequence[MatchProfile[K]], vocabulary: RegionVocabulary) -> ProfileColumns:
    """The rows of some profiles (region codes are added to the vocabulary)."""
    region_ids = [vocabulary.region_id(p.region_code) for p in profiles]
    wanted = [sorted({vocabulary.province_id(code) for code in p.preferences.regions}) for p in profiles]
    columns = ProfileColumns.empty(len(profiles), vocabulary.words)
    rows: dict[str, list[int]] = {item.name: [] for item in dataclasses.fields(ProfileColumns)}
    for profile in profiles:
        wishes = profile.preferences
        stated, must = _criteria_bits(wishes)
        values = {
            "gender": _index(profile.gender, GENDERS, -1) + 1,
            "birth_year": _number(profile.birth_year),
            "height": _number(profile.height_cm),
            "education": _index(profile.education, EDUCATION_LEVELS, EDUCATION_UNKNOWN),
            "marital": _index(profile.marital_history, MARITAL_HISTORIES, MARITAL_UNKNOWN),
            "has_children": HAS_CHILDREN_UNKNOWN if profile.has_children is None else int(profile.has_children),
            "wants_children": _index(profile.wants_children, WANTS_CHILDREN, WANTS_UNKNOWN),
            "hobbies": _bits(profile.hobbies, HOBBIES),
            "personality": _bits(profile.personality, PERSONALITY),
            "last_active": 0 if profile.last_active is None else profile.last_active.toordinal(),
            "seek": _index(wishes.gender_sought, GENDERS, -1) + 1,
            "age_lo": _bound(wishes.age_min, OPEN_LOW),
            "age_hi": _bound(wishes.age_max, OPEN_HIGH),
            "height_lo": _bound(wishes.height_min, OPEN_LOW),
            "height_hi": _bound(wishes.height_max, OPEN_HIGH),
            "min_education": _index(wishes.min_education, EDUCATION_LEVELS, 0),
            "pref_marital": _bits(wishes.marital, MARITAL_HISTORIES),
            "pref_children": _index(wishes.children, WANTS_CHILDREN, 0),
            "stated": stated,
            "must": must,
        }
        for name, value in values.items():
            rows[name].append(value)
    for name, values_of_column in rows.items():
        if values_of_column:
            getattr(columns, name)[:] = values_of_column
    columns.region[:] = region_ids
    for row, provinces in enumerate(wanted):
        for province in provinces:
            columns.pref_regions[province // 64, row] |= np.uint64(1 << (province % 64))
    return columns


def _codes(bits: int, vocabulary: tuple[str, ...]) -> frozenset[str]:
    return frozenset(code for i, code in enumerate(vocabulary) if bits >> i & 1)


def _known(value: int) -> int | None:
    return None if value == UNKNOWN_NUMBER else value


def _open(value: int, open_side: int) -> int | None:
    return None if value == open_side else value


def _code(index: int, codes: tuple[str, ...]) -> str | None:
    return codes[index] if 0 <= index < len(codes) else None


def decode(profile_id: K, raw: ProfileColumns, row: int, vocabulary: RegionVocabulary) -> MatchProfile[K]:
    """The profile of one row: what the matcher keeps of it (known codes; regions as provinces)."""

    def at(name: str) -> int:
        return int(getattr(raw, name)[row])

    stated = at("stated")
    states = {c: bool(stated & BIT[c]) for c in Criterion}
    province_bits = 0
    for word in range(raw.pref_regions.shape[0]):
        province_bits |= int(raw.pref_regions[word, row]) << (64 * word)
    regions = frozenset(
        code
        for pid, code in enumerate(vocabulary.province_codes)
        if code is not None and province_bits >> pid & 1
    )
    preferences = MatchPreferences(
        gender_sought=_code(at("seek") - 1, GENDERS),
        age_min=_open(at("age_lo"), OPEN_LOW) if states[Criterion.AGE] else None,
        age_max=_open(at("age_hi"), OPEN_HIGH) if states[Criterion.AGE] else None,
        height_min=_open(at("height_lo"), OPEN_LOW) if states[Criterion.HEIGHT] else None,
        height_max=_open(at("height_hi"), OPEN_HIGH) if states[Criterion.HEIGHT] else None,
        min_education=EDUCATION_LEVELS[at("min_education")] if states[Criterion.EDUCATION] else None,
        regions=regions if states[Criterion.REGIONS] else frozenset(),
        marital=_codes(at("pref_marital"), MARITAL_HISTORIES) if states[Criterion.MARITAL] else frozenset(),
        children=WANTS_CHILDREN[at("pref_children")] if states[Criterion.CHILDREN] else None,
        must_have=frozenset(c.value for c in Criterion if at("must") & BIT[c]),
    )
    has_children = at("has_children")
    last_active = at("last_active")
    return MatchProfile(
        id=profile_id,
        gender=_code(at("gender") - 1, GENDERS),
        birth_year=_known(at("birth_year")),
        height_cm=_known(at("height")),
        education=_code(at("education"), EDUCATION_LEVELS),
        region_code=vocabulary.region_codes[at("region")],
        marital_history=_code(at("marital"), MARITAL_HISTORIES),
        has_children=None if has_children == HAS_CHILDREN_UNKNOWN else bool(has_children),
        wants_children=_code(at("wants_children"), WANTS_CHILDREN),
        personality=_codes(at("personality"), PERSONALITY),
        hobbies=_codes(at("hobbies"), HOBBIES),
        last_active=None if last_active == 0 else date.fromordinal(last_active),
        preferences=preferences,
    )
