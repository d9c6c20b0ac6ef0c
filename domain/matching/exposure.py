"""Fair exposure: a cap on how often one profile is shown a day, and a tie-break that changes every day.

The caller keeps the exposure counts (profile id -> times shown today) and persists them; the matcher only
reads them and skips a candidate already shown `max_exposure` times today, so a popular profile does not
crowd out everyone else. Equal scores are ordered by a hash of (day, candidate): stable within a day, in
every process (no salted `hash()`), and different the next day, so equally good candidates take turns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from datetime import date
from uuid import UUID

import numpy as np
from numpy.typing import NDArray

MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB


def stable_key(profile_id: Hashable) -> int:
    """A 64-bit key of an id that is the same in every process (UUID, int and str ids; others by repr)."""
    if isinstance(profile_id, UUID):
        data = b"u" + profile_id.bytes
    elif isinstance(profile_id, int):
        data = b"i" + str(profile_id).encode()
    elif isinstance(profile_id, str):
        data = b"s" + profile_id.encode()
    else:
        data = b"r" + repr(profile_id).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def mix(value: int) -> int:
    """splitmix64's finaliser on one integer."""
    z = (value + _GOLDEN) & MASK64
    z = ((z ^ (z >> 30)) * _MIX1) & MASK64
    z = ((z ^ (z >> 27)) * _MIX2) & MASK64
    return z ^ (z >> 31)


def mix_array(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """`mix` on every element (uint64 arithmetic wraps, as the finaliser wants)."""
    z = values + np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    result: NDArray[np.uint64] = z ^ (z >> np.uint64(31))
    return result


def day_seed(day: date) -> int:
    return mix(day.toordinal())


def tiebreak(day: date, key: int) -> int:
    """The tie-break of one candidate on one day: smaller comes first."""
    return mix(key ^ day_seed(day))


def tiebreaks(day: date, keys: NDArray[np.uint64]) -> NDArray[np.uint64]:
    return mix_array(keys ^ np.uint64(day_seed(day)))


def pick_top(
    scores: NDArray[np.float32],
    keys: NDArray[np.uint64],
    *,
    day: date,
    k: int,
    accept: Callable[[int], bool],
) -> list[int]:
    """Positions of the best `k` scores that `accept` takes, best first, ties by the day's tie-break.

    Only the head of the ranking is sorted: the best `m` by `argpartition` (plus every score tied with the
    m-th), then more when `accept` turned too many of them down (capped profiles).
    """
    count = len(scores)
    chosen: list[int] = []
    if k <= 0 or count == 0:
        return chosen
    head = min(count, max(4 * k, 32))
    done = 0
    while True:
        if head < count:
            best = np.argpartition(-scores, head - 1)[:head]
            pool = np.flatnonzero(scores >= scores[best].min())
        else:
            pool = np.arange(count)
        order = pool[np.lexsort((tiebreaks(day, keys[pool]), -scores[pool]))]
        for position in order[done:].tolist():
            if accept(position):
                chosen.append(position)
                if len(chosen) == k:
                    return chosen
        if len(pool) == count:
            return chosen
        done = len(order)
        head = min(count, head * 4)
