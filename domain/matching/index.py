"""The match index: every matchable profile as NumPy columns, kept current one profile at a time.

Profiles live in up to nine `SlotTable`s, one per (gender, gender sought) pair, so a query reads only the
tables whose people are of the gender the asker seeks and seek the asker's gender: the gender filter costs
nothing per row. An id maps to its table and slot through one dict. `suggest` applies the hard filters both
ways as masks, scores only the survivors, and picks the top k by reciprocal score, skipping candidates at
their exposure cap and breaking ties by the day's hash (`domain.matching.exposure`).

The index holds no personal data beyond the coarse facts the matcher compares (no names, no free text), and
computes no exclusions itself: the caller passes who is excluded for this asker, who is inactive, and how
often each profile was shown today.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from typing import Generic
from uuid import UUID

import numpy as np
from numpy.typing import NDArray

from domain.matching.columns import (
    ProfileColumns,
    RegionVocabulary,
    decode,
    derive,
    encode,
)
from domain.matching.explain import reasons
from domain.matching.exposure import pick_top, stable_key
from domain.matching.fit import HobbyRarity
from domain.matching.model import GENDERS, HOBBIES, K, MatchProfile, Reason, Suggestion
from domain.matching.slots import SlotTable
from domain.matching.vectorised import Asker, Scored, score, survivors

_CODES = len(GENDERS) + 1  # gender and gender sought: 0 (unknown / anyone), then one per gender
_TABLES = _CODES * _CODES
_TABLE_BITS = 4


class NotIndexedError(KeyError):
    """The profile is not in the index."""


@dataclass(frozen=True)
class IndexMemory:
    """Bytes held by the index: NumPy arrays, and an estimate of the Python objects (id dict, id lists)."""

    arrays: int
    python: int

    @property
    def total(self) -> int:
        return self.arrays + self.python


def _deep_size(value: object) -> int:
    size = sys.getsizeof(value)
    if isinstance(value, UUID):
        size += sys.getsizeof(value.int)
    return size


class MatchIndex(Generic[K]):
    def __init__(self, *, capacity: int = 1024) -> None:
        self.vocabulary = RegionVocabulary()
        self._capacity = capacity
        self._tables: list[SlotTable[K] | None] = [None] * _TABLES
        self._where: dict[K, int] = {}
        self._words = 1
        self._region_provinces = self.vocabulary.provinces_of_regions()
        self._hobby_counts = np.zeros(len(HOBBIES), dtype=np.int64)  # people who ticked each hobby

    def _count_hobbies(self, bits: NDArray[np.uint64], sign: int) -> None:
        if len(bits) == 1:  # one profile: plain integers are quicker than sixteen array operations
            word = int(bits[0])
            for i in range(len(HOBBIES)):
                if word >> i & 1:
                    self._hobby_counts[i] += sign
            return
        for i in range(len(HOBBIES)):
            self._hobby_counts[i] += sign * int(np.count_nonzero((bits >> np.uint64(i)) & np.uint64(1)))

    def hobby_rarity(self) -> HobbyRarity:
        """How many indexed people ticked each hobby (kept current by every change; `fit.HobbyRarity`)."""
        ticked = {code: int(n) for code, n in zip(HOBBIES, self._hobby_counts.tolist(), strict=True) if n}
        return HobbyRarity(people=len(self._where), ticked=ticked)

    # --- building ----------------------------------------------------------------------------------------
    @classmethod
    def build(cls, profiles: Iterable[MatchProfile[K]]) -> MatchIndex[K]:
        """An index of these profiles, built in bulk."""
        index: MatchIndex[K] = cls()
        items = list(profiles)
        index._load([p.id for p in items], encode(items, index.vocabulary))
        return index

    @classmethod
    def from_columns(cls, ids: Sequence[K], columns: ProfileColumns, vocabulary: RegionVocabulary) -> MatchIndex[K]:
        """An index of profiles already encoded as columns (`columns.region` and `pref_regions` refer to
        `vocabulary`, which the index adopts)."""
        index: MatchIndex[K] = cls()
        index.vocabulary = vocabulary
        checked = columns.checked()
        if len(checked) and int(checked.region.max()) >= len(vocabulary.region_codes):
            raise ValueError("column region holds ids the vocabulary does not know")
        index._load(list(ids), checked)
        return index

    def _load(self, ids: list[K], raw: ProfileColumns) -> None:
        if len(ids) != len(raw):
            raise ValueError(f"{len(ids)} ids for {len(raw)} rows")
        where = dict.fromkeys(ids, 0)
        if len(where) != len(ids):
            raise ValueError("the ids are not unique")
        raw = self._fit(raw)
        derived = derive(raw, self._region_provinces)
        keys = np.fromiter((stable_key(i) for i in ids), dtype=np.uint64, count=len(ids))
        numbers = raw.gender.astype(np.intp) * _CODES + raw.seek.astype(np.intp)
        packed = np.zeros(len(ids), dtype=np.int64)
        for number in np.unique(numbers).tolist():
            rows = np.flatnonzero(numbers == number)
            table = self._table(number, len(rows))
            slots = table.allocate(len(rows))
            table.write(slots, raw.rows(rows), derived.rows(rows), keys[rows], [ids[r] for r in rows.tolist()])
            packed[rows] = (slots << _TABLE_BITS) | number
        self._where = dict(zip(ids, packed.tolist(), strict=True))
        self._hobby_counts[:] = 0
        self._count_hobbies(raw.hobbies, 1)

    def _fit(self, raw: ProfileColumns) -> ProfileColumns:
        """Widen the tables for new provinces, refresh the region table, and widen `raw` to match."""
        words = max(self._words, self.vocabulary.words, raw.pref_regions.shape[0])
        if words > self._words:
            self._words = words
            for table in self._tables:
                if table is not None:
                    table.widen(words)
        if len(self._region_provinces) != len(self.vocabulary.region_codes):
            self._region_provinces = self.vocabulary.provinces_of_regions()
        return raw.padded(words)

    def _table(self, number: int, rows: int) -> SlotTable[K]:
        table = self._tables[number]
        if table is None:
            table = self._tables[number] = SlotTable(max(self._capacity, rows), self._words)
        return table

    # --- one profile at a time ---------------------------------------------------------------------------
    def add(self, profile: MatchProfile[K]) -> None:
        """Index a new profile (ValueError if its id is indexed already)."""
        if profile.id in self._where:
            raise ValueError("the profile is indexed already")
        raw = self._fit(encode([profile], self.vocabulary))
        derived = derive(raw, self._region_provinces)
        number = int(raw.gender[0]) * _CODES + int(raw.seek[0])
        table = self._table(number, 1)
        slots = table.allocate(1)
        table.write(slots, raw, derived, np.array([stable_key(profile.id)], dtype=np.uint64), [profile.id])
        self._where[profile.id] = (int(slots[0]) << _TABLE_BITS) | number
        self._count_hobbies(raw.hobbies, 1)

    def remove(self, profile_id: K) -> None:
        """Take a profile out (NotIndexedError if it is not in)."""
        packed = self._where.pop(profile_id, None)
        if packed is None:
            raise NotIndexedError(profile_id)
        table, slot = self._locate_packed(packed)
        self._count_hobbies(table.raw.hobbies[slot : slot + 1], -1)
        table.release(slot)

    def discard(self, profile_id: K) -> bool:
        """Take a profile out if it is in; says whether it was."""
        if profile_id not in self._where:
            return False
        self.remove(profile_id)
        return True

    def update(self, profile: MatchProfile[K]) -> None:
        """Replace an indexed profile's facts and preferences (NotIndexedError if it is not in)."""
        self.remove(profile.id)
        self.add(profile)

    def upsert(self, profile: MatchProfile[K]) -> None:
        """Add or replace: what to call whenever a profile or its preferences change."""
        self.discard(profile.id)
        self.add(profile)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, profile_id: object) -> bool:
        return profile_id in self._where

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._where))

    def profile(self, profile_id: K) -> MatchProfile[K]:
        """What the index holds of a profile (known codes only; preferred regions as provinces)."""
        table, slot = self._locate(profile_id)
        return decode(profile_id, table.raw, slot, self.vocabulary)

    def _locate(self, profile_id: K) -> tuple[SlotTable[K], int]:
        packed = self._where.get(profile_id)
        if packed is None:
            raise NotIndexedError(profile_id)
        return self._locate_packed(packed)

    def _locate_packed(self, packed: int) -> tuple[SlotTable[K], int]:
        table = self._tables[packed & ((1 << _TABLE_BITS) - 1)]
        assert table is not None
        return table, packed >> _TABLE_BITS

    # --- queries -----------------------------------------------------------------------------------------
    def suggest(
        self,
        asker_id: K,
        *,
        k: int = 10,
        excluded: Set[K] = frozenset(),
        inactive: Set[K] = frozenset(),
        exposure: Mapping[K, int] | None = None,
        max_exposure: int,
        day: date,
        explain: bool = True,
    ) -> list[Suggestion[K]]:
        """The best `k` candidates for an indexed asker, best first.

        `excluded`: ids never to suggest to this asker (already suggested, passed, introduced, blocked or
        reported by either side). `inactive`: ids not to suggest to anyone now (paused, unreachable; removing
        them from the index is cheaper when they stay away). `exposure`: times each id was shown today; an id
        shown `max_exposure` times is skipped. `day`: the date ages, activity and the tie-break refer to.
        """
        table, slot = self._locate(asker_id)
        rows = np.array([slot], dtype=np.intp)
        asker = Asker.of(table.raw.rows(rows), table.derived.rows(rows), day)
        profile = self.profile(asker_id) if explain else None
        return self._suggest(asker, asker_id, profile, k, excluded, inactive, exposure or {}, max_exposure, day)

    def suggest_for(
        self,
        asker: MatchProfile[K],
        *,
        k: int = 10,
        excluded: Set[K] = frozenset(),
        inactive: Set[K] = frozenset(),
        exposure: Mapping[K, int] | None = None,
        max_exposure: int,
        day: date,
        explain: bool = True,
    ) -> list[Suggestion[K]]:
        """As `suggest`, for a profile given in full (it need not be indexed; its own id is never suggested)."""
        raw = self._fit(encode([asker], self.vocabulary))
        derived = derive(raw, self._region_provinces)
        prepared = Asker.of(raw, derived, day)
        profile = asker if explain else None
        return self._suggest(prepared, asker.id, profile, k, excluded, inactive, exposure or {}, max_exposure, day)

    def _switched_off(self, ids: Iterable[K]) -> list[NDArray[np.intp]]:
        slots: list[list[int]] = [[] for _ in range(_TABLES)]
        mask = (1 << _TABLE_BITS) - 1
        for profile_id in ids:
            packed = self._where.get(profile_id)
            if packed is not None:
                slots[packed & mask].append(packed >> _TABLE_BITS)
        return [np.array(found, dtype=np.intp) for found in slots]

    def _numbers(self, asker: Asker) -> list[int]:
        """The tables holding people of the gender the asker seeks who seek (or accept) the asker's gender."""
        genders = [asker.seek] if asker.seek else list(range(_CODES))
        seeking = [0, asker.gender] if asker.gender else [0]
        return [g * _CODES + s for g in genders for s in seeking]

    def _suggest(
        self,
        asker: Asker,
        asker_id: K,
        profile: MatchProfile[K] | None,
        k: int,
        excluded: Set[K],
        inactive: Set[K],
        exposure: Mapping[K, int],
        max_exposure: int,
        day: date,
    ) -> list[Suggestion[K]]:
        off = self._switched_off([asker_id, *excluded, *inactive])
        parts: list[tuple[SlotTable[K], Scored]] = []
        for number in self._numbers(asker):
            table = self._tables[number]
            if table is None or table.count == 0:
                continue
            slots = survivors(table, asker, day, off[number])
            if len(slots):
                parts.append((table, score(table, asker, day, slots, len(self.vocabulary.province_codes))))
        if not parts:
            return []
        scores = np.concatenate([scored.score for _, scored in parts])
        keys = np.concatenate([table.keys[scored.slots] for table, scored in parts])
        owners = np.concatenate([np.full(len(scored.slots), i, dtype=np.intp) for i, (_, scored) in enumerate(parts)])
        offsets = np.concatenate([[0], np.cumsum([len(scored.slots) for _, scored in parts])])

        def candidate(position: int) -> tuple[SlotTable[K], Scored, int]:
            owner = int(owners[position])
            table, scored = parts[owner]
            return table, scored, position - int(offsets[owner])

        def shown_less(position: int) -> bool:
            table, scored, at = candidate(position)
            candidate_id = table.ids[int(scored.slots[at])]
            return candidate_id is not None and exposure.get(candidate_id, 0) < max_exposure

        found: list[Suggestion[K]] = []
        for position in pick_top(scores, keys, day=day, k=k, accept=shown_less):
            table, scored, at = candidate(position)
            slot = int(scored.slots[at])
            candidate_id = table.ids[slot]
            assert candidate_id is not None
            why: tuple[Reason, ...] = ()
            if profile is not None:
                why = reasons(profile, decode(candidate_id, table.raw, slot, self.vocabulary), day)
            found.append(
                Suggestion(
                    candidate_id=candidate_id,
                    score=float(scored.score[at]),
                    score_for_asker=float(scored.for_asker[at]),
                    score_for_candidate=float(scored.for_candidate[at]),
                    reasons=why,
                )
            )
        return found

    # --- size --------------------------------------------------------------------------------------------
    def memory(self) -> IndexMemory:
        """The arrays' bytes, and an estimate of the Python objects: the id dict with its keys and values,
        and each table's slot-to-id list and free list."""
        tables = [table for table in self._tables if table is not None]
        arrays = sum(table.nbytes() for table in tables) + self._region_provinces.nbytes
        python = sys.getsizeof(self._where)
        python += sum(_deep_size(key) + sys.getsizeof(value) for key, value in self._where.items())
        python += sum(sys.getsizeof(table.ids) + sys.getsizeof(table.free) for table in tables)
        return IndexMemory(arrays=arrays, python=python)
