"""The profile's fields are declared once (domain/profile.py); the model, the records and `ProfileChanges` agree.

The migrated tables are held to the same declaration in tests/storage/test_storage_migrations.py.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import pytest
from sqlalchemy import Integer, LargeBinary, String, Table

from domain.profile import SEALED, Clear, DeclaredField, PreferencesData, ProfileFields, declared_fields
from storage.crypto.codecs import DATE, TEXT
from storage.models.base import BLIND_INDEX_OF
from storage.models.base import SEALED as SEALED_MARKER
from storage.models.clients import PREFERENCE_CHOICES, PROFILE_CHOICES, ClientProfileRow, PartnerPreferencesRow
from storage.models.declared import declared_column
from storage.records import ClientProfile, MatchFacts, PartnerPreferences
from storage.repositories.profiles import UPDATABLE_FIELDS, ProfileChanges

# What each table has beside its declared fields, and what its record has beside them.
DECLARED_TABLES = [
    (ClientProfileRow, ProfileFields, {"account_id", "phone_index", "created_at", "updated_at"}),
    (PartnerPreferencesRow, PreferencesData, {"account_id", "updated_at"}),
]
RECORDS = [
    (ClientProfile, ProfileFields, {"account_id", "created_at", "updated_at"}),
    (PartnerPreferences, PreferencesData, {"account_id", "updated_at"}),
]


def _table(model: type[object]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


@pytest.mark.parametrize(("model", "declaration", "own"), DECLARED_TABLES)
def test_the_model_has_a_column_for_each_declared_field_and_its_own(
    model: type[object], declaration: type, own: set[str]
) -> None:
    table = _table(model)
    declared = declared_fields(declaration)
    assert set(table.columns.keys()) == {item.name for item in declared} | own
    for item in declared:
        column = table.columns[item.name]
        assert column.nullable == item.nullable, item.name
        assert (SEALED_MARKER in column.info) == item.sealed, item.name
        if item.sealed:
            assert isinstance(column.type, LargeBinary)
            assert column.info[SEALED_MARKER] is {str: TEXT, date: DATE}[item.type]  # type: ignore[index]
        elif item.type is str:
            assert isinstance(column.type, String) and column.type.length == typing.cast(Clear, item.kept).length


@pytest.mark.parametrize(("record", "declaration", "own"), RECORDS)
def test_the_record_has_the_declared_fields_and_its_own(record: type, declaration: type, own: set[str]) -> None:
    names = {item.name for item in dataclasses.fields(record)}
    declared = typing.get_type_hints(declaration)
    assert names == set(declared) | own
    hints = typing.get_type_hints(record)
    assert {name: hints[name] for name in declared} == declared


def test_every_column_but_the_blind_indexes_reaches_the_record() -> None:
    for (model, _, _), (record, _, _) in zip(DECLARED_TABLES, RECORDS, strict=True):
        columns = {column.name for column in _table(model).columns if BLIND_INDEX_OF not in column.info}
        assert columns == {item.name for item in dataclasses.fields(record)}


def test_profile_changes_are_the_declared_fields() -> None:
    assert {item.name for item in declared_fields(ProfileFields)} == UPDATABLE_FIELDS
    assert typing.get_type_hints(ProfileChanges) == typing.get_type_hints(ProfileFields)
    assert ProfileChanges.__optional_keys__ == UPDATABLE_FIELDS


def test_the_matcher_reads_only_clear_declared_fields() -> None:
    declared = {item.name: item for item in declared_fields(ProfileFields)}
    profile_types = typing.get_type_hints(ProfileFields)
    for name, hint in typing.get_type_hints(MatchFacts).items():
        if name == "account_id":
            continue
        assert not declared[name].sealed, name
        assert hint == profile_types[name], name


@pytest.mark.parametrize(
    ("declaration", "choices"), [(ProfileFields, PROFILE_CHOICES), (PreferencesData, PREFERENCE_CHOICES)]
)
def test_code_columns_are_clear_text_and_checked(declaration: type, choices: typing.Mapping[str, object]) -> None:
    declared = {item.name: item for item in declared_fields(declaration)}
    for name in choices:
        assert declared[name].type is str and not declared[name].sealed, name


def test_a_declaration_the_columns_cannot_follow_is_refused() -> None:
    with pytest.raises(TypeError, match="needs a length"):
        declared_column(DeclaredField("nickname", str, nullable=True, kept=Clear()))
    with pytest.raises(TypeError, match="only text has a length"):
        declared_column(DeclaredField("height", int, nullable=True, kept=Clear(3)))
    with pytest.raises(TypeError, match="no codec seals"):
        declared_column(DeclaredField("height", int, nullable=True, kept=SEALED))
    with pytest.raises(TypeError, match="no clear column type"):
        declared_column(DeclaredField("born", date, nullable=True, kept=Clear()))


def test_columns_follow_their_declaration() -> None:
    @dataclass(frozen=True)
    class Declaration:
        code: Annotated[str, Clear(4)] = "a"
        count: Annotated[int | None, Clear()] = None
        secret: Annotated[str | None, SEALED] = None

    code, count, secret = (declared_column(item) for item in declared_fields(Declaration))
    assert (code.name, code.nullable, code.type.length) == ("code", False, 4)  # type: ignore[attr-defined]
    assert isinstance(count.type, Integer) and count.nullable
    assert isinstance(secret.type, LargeBinary) and secret.info[SEALED_MARKER] is TEXT
