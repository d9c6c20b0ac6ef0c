"""A client's profile and partner preferences as the rules see them, and the profile's life cycle.

The field names are those of the storage records, so a record converts with `from_fields`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from domain.answers import age_on

MAX_PHOTOS = 5
MIN_PHOTOS = 1


class Status(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class ProfileStateError(Exception):
    """The profile is not in a status that allows this change."""


@dataclass(frozen=True)
class ProfileData:
    status: str = Status.DRAFT
    intake_step: str | None = None
    display_name: str | None = None
    gender: str | None = None
    birth_date: date | None = None
    height_cm: int | None = None
    education: str | None = None
    occupation: str | None = None
    income_band: str | None = None
    region_code: str | None = None
    city_text: str | None = None
    marital_history: str | None = None
    has_children: bool | None = None
    wants_children: str | None = None
    personality: list[str] = field(default_factory=list)
    hobbies: list[str] = field(default_factory=list)
    hobbies_text: str | None = None
    about_me: str | None = None
    relationship_history: str | None = None
    phone: str | None = None

    def age(self, today: date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, today)


@dataclass(frozen=True)
class PreferencesData:
    gender_sought: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    height_min: int | None = None
    height_max: int | None = None
    min_education: str | None = None
    regions: list[str] = field(default_factory=list)
    marital: list[str] = field(default_factory=list)
    children: str | None = None
    must_have: list[str] = field(default_factory=list)


T = TypeVar("T", ProfileData, PreferencesData)


def from_fields(cls: type[T], source: object | None) -> T:
    """The domain view of a record with the same field names (missing fields keep their defaults)."""
    if source is None:
        return cls()
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if hasattr(source, item.name):
            value = getattr(source, item.name)
            values[item.name] = list(value) if isinstance(value, list) else value
    return cls(**values)


def ensure_can_pause(status: str) -> None:
    if status != Status.ACTIVE:
        raise ProfileStateError("only an active profile can be paused")


def ensure_can_resume(status: str) -> None:
    if status != Status.PAUSED:
        raise ProfileStateError("only a paused profile can be resumed")


def is_registered(status: str | None) -> bool:
    """The client finished intake and confirmed: they have a menu rather than a questionnaire."""
    return status in (Status.ACTIVE, Status.PAUSED)
