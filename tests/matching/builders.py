"""Small helpers to write matching tests: a complete profile with sensible defaults, changed by keyword."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from domain.matching.model import MatchPreferences, MatchProfile

DAY = date(2026, 5, 4)

SHANGHAI = "310000"
BEIJING = "110000"
SUZHOU = "320500"  # a city of Jiangsu
JIANGSU = "320000"
ZHEJIANG = "330000"
XIAMEN = "350200"  # a city of Fujian


def wishes(**changes: Any) -> MatchPreferences:
    """Preferences; `must=("age", ...)` is short for `must_have=frozenset(...)`; lists become frozensets."""
    if "must" in changes:
        changes["must_have"] = frozenset(changes.pop("must"))
    for name in ("regions", "marital", "must_have"):
        if name in changes:
            changes[name] = frozenset(changes[name])
    return MatchPreferences(**changes)


def person(profile_id: int, **changes: Any) -> MatchProfile[int]:
    """A complete, active profile: by default a man of 31 in Shanghai seeking a woman, no other wishes.

    `prefs=dict(...)` sets the preferences (via `wishes`); sets are accepted for personality and hobbies.
    """
    preferences = wishes(**changes.pop("prefs", {"gender_sought": "female"}))
    for name in ("personality", "hobbies"):
        if name in changes:
            changes[name] = frozenset(changes[name])
    base = MatchProfile(
        id=profile_id,
        gender="male",
        birth_year=DAY.year - 31,
        height_cm=175,
        education="bachelor",
        region_code=SHANGHAI,
        marital_history="never",
        has_children=False,
        wants_children="yes",
        personality=frozenset({"steady"}),
        hobbies=frozenset({"reading"}),
        last_active=DAY - timedelta(days=1),
        preferences=preferences,
    )
    return dataclasses.replace(base, **changes)


def woman(profile_id: int, **changes: Any) -> MatchProfile[int]:
    """A woman of 29 in Shanghai seeking a man, unless changed (neutral personality with his, no shared hobby)."""
    changes.setdefault("prefs", {"gender_sought": "male"})
    changes.setdefault("personality", {"humorous"})
    changes.setdefault("hobbies", {"music"})
    changes.setdefault("gender", "female")
    changes.setdefault("birth_year", DAY.year - 29)
    changes.setdefault("height_cm", 162)
    return person(profile_id, **changes)
