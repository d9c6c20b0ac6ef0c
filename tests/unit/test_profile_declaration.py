"""Reading the profile's declaration (domain/profile.py): each field's value type, nullability and storage class."""

from __future__ import annotations

from dataclasses import field, make_dataclass
from datetime import date
from typing import Annotated

import pytest

from domain.profile import (
    CLEAR,
    SEALED,
    Clear,
    DeclaredField,
    PreferencesData,
    ProfileData,
    ProfileFields,
    declared_fields,
)


def test_each_field_says_its_type_and_how_it_is_kept() -> None:
    fields = {item.name: item for item in declared_fields(ProfileFields)}
    assert fields["display_name"] == DeclaredField("display_name", str, nullable=True, kept=SEALED)
    assert fields["birth_date"] == DeclaredField("birth_date", date, nullable=True, kept=SEALED)
    assert fields["status"] == DeclaredField("status", str, nullable=False, kept=Clear(16))
    assert fields["personality"] == DeclaredField("personality", list[str], nullable=False, kept=CLEAR)
    assert fields["display_name"].sealed and not fields["status"].sealed


def test_the_profile_fields_are_the_answers_and_what_is_kept_beside_them() -> None:
    answers = [item.name for item in declared_fields(ProfileData)]
    assert [item.name for item in declared_fields(ProfileFields)][: len(answers)] == answers
    assert {item.name for item in declared_fields(ProfileFields)} - set(answers) == {
        "birth_year",
        "tier",
        "activated_at",
        "last_active_at",
    }


def test_what_the_matcher_compares_is_clear() -> None:
    assert not any(item.sealed for item in declared_fields(PreferencesData))
    clear = {item.name for item in declared_fields(ProfileFields) if not item.sealed}
    assert {"gender", "birth_year", "height_cm", "education", "region_code", "personality", "hobbies"} <= clear


@pytest.mark.parametrize("hint", [str | None, Annotated[str | None, SEALED, Clear(8)]])
def test_a_field_must_say_once_how_it_is_kept(hint: object) -> None:
    declaration = make_dataclass("Declaration", [("nickname", hint, field(default=None))], frozen=True)
    with pytest.raises(TypeError, match="must say once how it is kept"):
        declared_fields(declaration)


def test_a_field_has_one_value_type() -> None:
    declaration = make_dataclass("Declaration", [("height", Annotated[int | str | None, CLEAR], field(default=None))])
    with pytest.raises(TypeError, match="one value type"):
        declared_fields(declaration)
