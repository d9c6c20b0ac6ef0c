"""A client's profile and partner preferences as the rules see them, and the profile's life cycle.

These dataclasses are also the one declaration of the profile's schema: each field says its Python type and
how it is kept at rest (`Annotated[<type>, SEALED]` or `Annotated[<type>, Clear(...)]`, see docs/privacy.md).
Storage derives from them the columns of `client_profiles` and `partner_preferences`, its records and the
fields a profile update accepts (storage/models/declared.py); a test holds the migrations to the same list.
The field names are those of the storage records, so a record converts with `from_fields`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from domain.answers import age_on
from domain.names import short_name

MAX_PHOTOS = 5


class Status(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    DELETED = "deleted"


class ProfileStateError(Exception):
    """The profile is not in a status that allows this change."""


@dataclass(frozen=True)
class Sealed:
    """Names or describes the person: kept encrypted under the client's own key, never compared by the matcher."""


@dataclass(frozen=True)
class Clear:
    """Coarse, what the matcher compares (or the profile's bookkeeping): kept in the clear.

    `length` is the most characters a text value may have (its column's width); other types have none.
    """

    length: int | None = None


SEALED = Sealed()
CLEAR = Clear()
StorageClass = Sealed | Clear


@dataclass(frozen=True)
class ProfileData:
    """The client's answers (what intake asks) and the profile's status."""

    status: Annotated[str, Clear(16)] = Status.DRAFT
    intake_step: Annotated[str | None, Clear(32)] = None
    display_name: Annotated[str | None, SEALED] = None
    preferred_name: Annotated[str | None, SEALED] = None  # what they like to be called (None: read from the name)
    gender: Annotated[str | None, Clear(8)] = None
    birth_date: Annotated[date | None, SEALED] = None
    height_cm: Annotated[int | None, CLEAR] = None
    education: Annotated[str | None, Clear(24)] = None
    occupation: Annotated[str | None, SEALED] = None
    income_band: Annotated[str | None, SEALED] = None
    region_code: Annotated[str | None, Clear(16)] = None
    city_text: Annotated[str | None, SEALED] = None
    marital_history: Annotated[str | None, Clear(16)] = None
    has_children: Annotated[bool | None, CLEAR] = None
    wants_children: Annotated[str | None, Clear(8)] = None
    personality: Annotated[list[str], CLEAR] = field(default_factory=list)
    hobbies: Annotated[list[str], CLEAR] = field(default_factory=list)
    hobbies_text: Annotated[str | None, SEALED] = None
    about_me: Annotated[str | None, SEALED] = None
    relationship_history: Annotated[str | None, SEALED] = None
    phone: Annotated[str | None, SEALED] = None

    def age(self, today: date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, today)

    def short_name(self) -> str | None:
        """What to call the client: the name they chose, else one read from their name (domain/names.py)."""
        return short_name(self.display_name, self.preferred_name)


@dataclass(frozen=True)
class ProfileFields(ProfileData):
    """Every field of a client's profile that can change: the answers and what the agency keeps beside them.

    The stored record (`storage.records.ClientProfile`) adds the row's identity and timestamps.
    """

    birth_year: Annotated[int | None, CLEAR] = None  # the coarse form of birth_date the matcher compares
    tier: Annotated[str, Clear(16)] = "basic"
    activated_at: Annotated[datetime | None, CLEAR] = None
    last_active_at: Annotated[datetime | None, CLEAR] = None


@dataclass(frozen=True)
class PreferencesData:
    """What a client looks for in a partner. All clear and coarse: the matcher compares them for every candidate."""

    gender_sought: Annotated[str | None, Clear(8)] = None
    age_min: Annotated[int | None, CLEAR] = None
    age_max: Annotated[int | None, CLEAR] = None
    height_min: Annotated[int | None, CLEAR] = None
    height_max: Annotated[int | None, CLEAR] = None
    min_education: Annotated[str | None, Clear(24)] = None
    regions: Annotated[list[str], CLEAR] = field(default_factory=list)
    marital: Annotated[list[str], CLEAR] = field(default_factory=list)
    children: Annotated[str | None, Clear(8)] = None
    must_have: Annotated[list[str], CLEAR] = field(default_factory=list)


@dataclass(frozen=True)
class DeclaredField:
    """One field of a declaration above, read back: its value type (None taken out), and how it is kept."""

    name: str
    type: object  # str, int, bool, date, datetime or list[str]
    nullable: bool
    kept: StorageClass

    @property
    def sealed(self) -> bool:
        return isinstance(self.kept, Sealed)


def declared_fields(declaration: type) -> tuple[DeclaredField, ...]:
    """The fields of a declaration dataclass (`ProfileFields`, `PreferencesData`), in their order."""
    hints = typing.get_type_hints(declaration, include_extras=True)
    declared: list[DeclaredField] = []
    for item in dataclasses.fields(declaration):
        hint = hints[item.name]
        kept = [extra for extra in getattr(hint, "__metadata__", ()) if isinstance(extra, Sealed | Clear)]
        if len(kept) != 1:
            raise TypeError(f"{declaration.__name__}.{item.name} must say once how it is kept (SEALED or Clear)")
        value_type = typing.get_args(hint)[0]
        union = typing.get_origin(value_type) in (typing.Union, types.UnionType)
        members = typing.get_args(value_type) if union else (value_type,)
        others = [member for member in members if member is not type(None)]
        if len(others) != 1:
            raise TypeError(f"{declaration.__name__}.{item.name} must have one value type (or it and None)")
        declared.append(DeclaredField(item.name, others[0], len(others) != len(members), kept[0]))
    return tuple(declared)


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
