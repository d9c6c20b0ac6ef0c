"""The tie-break hash and the top-k pick that honours the exposure cap."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from uuid import UUID

import numpy as np

from domain.matching.exposure import mix, mix_array, pick_top, stable_key, tiebreak, tiebreaks
from tests.matching.builders import DAY


def test_stable_key_is_the_same_in_every_process() -> None:
    profile_id = UUID("12345678-1234-5678-1234-567812345678")
    expected = int.from_bytes(hashlib.blake2b(b"u" + profile_id.bytes, digest_size=8).digest(), "big")
    assert stable_key(profile_id) == expected
    assert stable_key(7) != stable_key("7")


def test_the_vectorised_mix_is_the_scalar_one() -> None:
    values = [0, 1, 2**63, 2**64 - 1, 123456789123456789]
    mixed = mix_array(np.array(values, dtype=np.uint64))
    assert mixed.tolist() == [mix(v) for v in values]
    keys = np.array([stable_key(i) for i in range(20)], dtype=np.uint64)
    assert tiebreaks(DAY, keys).tolist() == [tiebreak(DAY, stable_key(i)) for i in range(20)]


def test_the_tie_break_changes_from_day_to_day() -> None:
    keys = [stable_key(i) for i in range(10)]
    today = sorted(range(10), key=lambda i: tiebreak(DAY, keys[i]))
    tomorrow = sorted(range(10), key=lambda i: tiebreak(DAY + timedelta(days=1), keys[i]))
    assert today != tomorrow
    assert today == sorted(range(10), key=lambda i: tiebreak(DAY, keys[i]))


def test_pick_top_orders_by_score_then_tie_break() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.7, 0.5, 0.5], dtype=np.float32)
    keys = np.array([stable_key(i) for i in range(6)], dtype=np.uint64)
    picked = pick_top(scores, keys, day=DAY, k=4, accept=lambda position: True)
    tied = sorted([0, 2, 4, 5], key=lambda i: tiebreak(DAY, int(keys[i])))
    assert picked == [1, 3, *tied[:2]]


def test_pick_top_skips_what_accept_refuses_and_looks_further_down() -> None:
    count = 1000
    scores = np.linspace(1.0, 0.0, count, dtype=np.float32)
    keys = np.arange(count, dtype=np.uint64)
    refused = set(range(0, 900))  # far more than the first head of 4 * k
    picked = pick_top(scores, keys, day=DAY, k=5, accept=lambda position: position not in refused)
    assert picked == [900, 901, 902, 903, 904]
    assert pick_top(scores[:3], keys[:3], day=DAY, k=10, accept=lambda position: position != 1) == [0, 2]
    assert pick_top(scores[:0], keys[:0], day=DAY, k=10, accept=lambda position: True) == []
