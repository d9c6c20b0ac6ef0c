"""A table of profile rows in slots: struct-of-arrays columns, a free list, and the id held by each slot.

Slots are reused (last freed, first reused), so adding, changing and removing one profile costs a few array
writes, never a rebuild. Arrays grow by doubling. `high` is one past the highest slot ever used: queries
scan [0, high) and skip the slots that are not `alive`.
"""

from __future__ import annotations

import dataclasses
from typing import Generic

import numpy as np
from numpy.typing import NDArray

from domain.matching.columns import ALL_WORD_BITS, BIT, DerivedColumns, ProfileColumns
from domain.matching.model import Criterion, K


def _grown(array: NDArray[np.generic], capacity: int) -> NDArray[np.generic]:
    bigger = np.zeros((*array.shape[:-1], capacity), dtype=array.dtype)
    bigger[..., : array.shape[-1]] = array
    return bigger


class SlotTable(Generic[K]):
    def __init__(self, capacity: int, words: int) -> None:
        capacity = max(capacity, 1)
        self.raw = ProfileColumns.empty(capacity, words)
        self.derived = DerivedColumns.empty(capacity, words)
        self.keys: NDArray[np.uint64] = np.zeros(capacity, dtype=np.uint64)
        self.alive: NDArray[np.bool_] = np.zeros(capacity, dtype=np.bool_)
        self.ids: list[K | None] = [None] * capacity
        self.free: list[int] = []
        self.high = 0
        self.count = 0

    @property
    def capacity(self) -> int:
        return len(self.alive)

    @property
    def words(self) -> int:
        return int(self.raw.pref_regions.shape[0])

    def _columns(self) -> list[tuple[object, str]]:
        return [(self.raw, f.name) for f in dataclasses.fields(ProfileColumns)] + [
            (self.derived, f.name) for f in dataclasses.fields(DerivedColumns)
        ]

    def _reserve(self, capacity: int) -> None:
        if capacity <= self.capacity:
            return
        capacity = max(capacity, 2 * self.capacity)
        for holder, name in self._columns():
            setattr(holder, name, _grown(getattr(holder, name), capacity))
        self.keys = np.asarray(_grown(self.keys, capacity), dtype=np.uint64)
        self.alive = np.asarray(_grown(self.alive, capacity), dtype=np.bool_)
        self.ids.extend([None] * (capacity - len(self.ids)))

    def widen(self, words: int) -> None:
        """Room for more provinces in the region bit sets (a criterion that does not bind accepts them all)."""
        extra = words - self.words
        if extra <= 0:
            return
        binds = (self.raw.must & np.uint8(BIT[Criterion.REGIONS])) != 0
        self.raw.pref_regions = np.vstack([self.raw.pref_regions, np.zeros((extra, self.capacity), np.uint64)])
        fill = np.where(binds, np.uint64(0), np.uint64(ALL_WORD_BITS)).astype(np.uint64)
        self.derived.hard_regions = np.vstack([self.derived.hard_regions, np.tile(fill, (extra, 1))])

    def allocate(self, count: int) -> NDArray[np.intp]:
        """Slots for `count` new rows: freed ones first, then fresh ones."""
        reused = [self.free.pop() for _ in range(min(count, len(self.free)))]
        fresh = count - len(reused)
        self._reserve(self.high + fresh)
        slots = np.array(reused + list(range(self.high, self.high + fresh)), dtype=np.intp)
        self.high += fresh
        return slots

    def write(
        self,
        slots: NDArray[np.intp],
        raw: ProfileColumns,
        derived: DerivedColumns,
        keys: NDArray[np.uint64],
        ids: list[K],
    ) -> None:
        for item in dataclasses.fields(ProfileColumns):
            getattr(self.raw, item.name)[..., slots] = getattr(raw, item.name)
        for item in dataclasses.fields(DerivedColumns):
            getattr(self.derived, item.name)[..., slots] = getattr(derived, item.name)
        self.keys[slots] = keys
        self.alive[slots] = True
        for slot, profile_id in zip(slots.tolist(), ids, strict=True):
            self.ids[slot] = profile_id
        self.count += len(ids)

    def release(self, slot: int) -> None:
        self.alive[slot] = False
        self.ids[slot] = None
        self.free.append(slot)
        self.count -= 1

    def nbytes(self) -> int:
        arrays = [getattr(holder, name) for holder, name in self._columns()]
        return int(sum(a.nbytes for a in arrays)) + self.keys.nbytes + self.alive.nbytes
