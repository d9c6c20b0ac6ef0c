"""Editing a published event: the form filled with what the event says now, what an edit changed, which
changes the people signed up must hear about, and whether the new room still holds those already seated.

People signed up keep their place through any edit. When the time, the venue or the prices change they are
told, and a place given up after such a change never counts as a late cancellation: the agency changed the
terms, not the client (docs/events.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum

from domain.events import Capacity, EventSpec, Side


class Change(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    VENUE = "venue"
    REGION = "region"
    TIME = "time"
    CAPACITY = "capacity"
    AGES = "ages"
    TIERS = "tiers"
    PRICES = "prices"
    DEADLINE = "deadline"


# What changes the terms a client signed up on: they are told, and may give up their place without it being late.
TOLD: frozenset[Change] = frozenset({Change.TIME, Change.VENUE, Change.PRICES})


def local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def capacity_text(capacity: Capacity) -> str:
    return str(capacity.total) if not capacity.per_gender else f"{capacity.men or 0}/{capacity.women or 0}"


def prices_text(prices: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{tier}={price}" for tier, price in sorted(prices.items()))


def form_of(spec: EventSpec, zone: tzinfo) -> str:
    """The organiser's form as the event stands (times in `zone`), to edit and send back."""
    lines = [
        ("title_en", spec.title_en),
        ("title_zh", spec.title_zh),
        ("about_en", spec.about_en),
        ("about_zh", spec.about_zh),
        ("venue", spec.venue_code or spec.venue_text or ""),
        ("region", spec.region_code or ""),
        ("starts", local(spec.starts_at, zone)),
        ("capacity", capacity_text(spec.capacity)),
        ("ages", f"{spec.age_min}-{spec.age_max}"),
        ("tiers", ", ".join(sorted(spec.tiers))),
        ("prices", prices_text(spec.prices)),
        ("deadline", "" if spec.deadline is None else local(spec.deadline, zone)),
    ]
    return "\n".join(f"{name}: {value}" for name, value in lines if value)


def changes(old: EventSpec, new: EventSpec) -> list[Change]:
    """What the edit changed, in the form's order."""
    found = {
        Change.TITLE: (old.title_en, old.title_zh) != (new.title_en, new.title_zh),
        Change.DESCRIPTION: (old.about_en, old.about_zh) != (new.about_en, new.about_zh),
        Change.VENUE: (old.venue_code, old.venue_text) != (new.venue_code, new.venue_text),
        Change.REGION: old.region_code != new.region_code,
        Change.TIME: old.starts_at != new.starts_at,
        Change.CAPACITY: old.capacity != new.capacity,
        Change.AGES: (old.age_min, old.age_max) != (new.age_min, new.age_max),
        Change.TIERS: old.tiers != new.tiers,
        Change.PRICES: dict(old.prices) != dict(new.prices),
        Change.DEADLINE: old.deadline != new.deadline,
    }
    return [change for change, changed in found.items() if changed]


def room_problem(old: Capacity, new: Capacity, seated: Mapping[Side, int]) -> bool:
    """True when the new room cannot hold the people already seated: fewer seats on a side than are taken, or a
    per-gender room turned into an open one (or back) while anyone holds a seat."""
    if not any(seated.values()):
        return False
    if old.per_gender != new.per_gender:
        return True
    return any(taken > new.seats(side) for side, taken in seated.items())


def late_cancellation(*, late_by_time: bool, signed_up_at: datetime, terms_changed_at: datetime | None) -> bool:
    """A late cancellation is one the client chose: not one after the agency changed the terms they signed up on."""
    return late_by_time and (terms_changed_at is None or terms_changed_at <= signed_up_at)


def price_changed(before: EventSpec, after: EventSpec, tier: str) -> bool:
    return before.price_for(tier) != after.price_for(tier)


def concerns(before: EventSpec, after: EventSpec, found: list[Change], tier: str) -> bool:
    """Whether the edit changed the terms of a client of `tier`: the time, the venue, or their own price."""
    if Change.TIME in found or Change.VENUE in found:
        return True
    return Change.PRICES in found and price_changed(before, after, tier)
